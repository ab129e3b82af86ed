/**
 * The time a request may take, end to end. API Gateway's HTTP API gives up on
 * an integration at 30 s; the functions' own timeout (serverless.yml,
 * `provider.timeout`) is a second less, so a function's answer always arrives;
 * a wait for a host's answer stops well before that, leaving time to reply.
 */
export const FUNCTION_TIMEOUT_MS = 29_000;

/** The longest a function waits for a host's answer (`BERTH_HOST_ANSWER_SECONDS` may shorten it, never lengthen it). */
export const LONGEST_HOST_WAIT_MS = 25_000;
