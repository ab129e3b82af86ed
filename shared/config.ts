import type { Identity } from "./auth/identity.ts";
import { readAuthentication } from "./auth/read-authentication.ts";
import type { JwtSettings } from "./auth/verify-jwt.ts";
import { positiveNumber } from "./env-values.ts";
import { readThrottleSettings, type ThrottleSettings } from "./http/throttle-settings.ts";
import { IMAGE_VALIDATIONS, type ImageValidation, isImageValidation } from "./scheduling/image-validation.ts";
import { readWeigherMultipliers } from "./scheduling/weighers/multipliers.ts";
import type { Multipliers } from "./scheduling/weighers/weigher-names.ts";
import { LONGEST_HOST_WAIT_MS } from "./time-limits.ts";

/**
 * Berth's configuration, read in one place from the environment.
 * Call `readConfig()` inside a handler or at process start, never at module load,
 * so tests and the local stack can set the environment first.
 */
export interface BerthConfig {
  region: string;
  /** Where DynamoDB and SQS are; undefined means the SDK's default (AWS itself). */
  dynamodbEndpoint: string | undefined;
  sqsEndpoint: string | undefined;
  ssmEndpoint: string | undefined;
  tableName: string;
  /** Host queues are named `<queuePrefix>-host-<hostId>.fifo`. */
  queuePrefix: string;
  /** The dead-letter queue every host queue redrives to. */
  hostDeadLetterQueueArn: string | undefined;
  /** A host whose last heartbeat is older than this is down (Zun: 180 s). */
  hostDownAfterSeconds: number;
  /**
   * How long an operation's task state may stand still before the reconciler
   * retries it (re-sends its message) or, after retries, fails it.
   */
  operationTimeoutSeconds: number;
  /**
   * How long the tombstone of a deleted container or volume is kept: it is a
   * host's evidence that a copy it still has was deleted, so it must outlive
   * any host's absence.
   */
  tombstoneDays: number;
  /** How long a function waits for a host's answer (logs, execute, …); API Gateway allows 30 s in all. */
  hostAnswerSeconds: number;
  /** How hosts are ranked: binpack, spread or random (a request's hints `strategy` overrides it). */
  placementStrategy: string;
  /** Weigher multipliers over the strategy's preset (BERTH_WEIGHER_<NAME>_MULTIPLIER). */
  weigherMultipliers: Partial<Multipliers>;
  /** A placement picks at random among this many best-ranked hosts (Nova's host_subset_size). */
  hostSubsetSize: number;
  /** How old a function's snapshot of the hosts may be before it is read again. */
  hostSnapshotSeconds: number;
  /** How many hosts a create is tried on before it fails (Nova's scheduler max_attempts). */
  buildAttempts: number;
  /** Whether a create's image must be on a host before it is placed (a request's hints.image_validation overrides). */
  imageValidation: ImageValidation;
  /** Static token → identity map, for the local stack only (BERTH_LOCAL_DEV_TOKENS); empty elsewhere. */
  devTokens: ReadonlyMap<string, Identity>;
  /** Seals registry passwords (32 bytes, base64); the local stack's `.berth/secret.key`. */
  secretKey: string | undefined;
  /** Deployed: the SSM SecureString parameter that holds the sealing key, read at run time (BERTH_SECRET_KEY_PARAMETER). */
  secretKeyParameter: string | undefined;
  /** The id written with each value the current key seals, so keys can be rotated. */
  secretKeyId: string;
  /** Keys that sealed older values (`id:base64,…`), still read after a rotation. */
  previousSecretKeys: string | undefined;
  /** Bearer JWTs from this issuer are verified when set (e.g. Amazon Cognito). */
  jwt: JwtSettings | undefined;
  /** Each project's request limits per fixed window (the cloud admin is exempt). */
  throttle: ThrottleSettings;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): BerthConfig {
  const generic = env.AWS_ENDPOINT_URL || undefined;
  return {
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1",
    dynamodbEndpoint: env.AWS_ENDPOINT_URL_DYNAMODB || generic,
    sqsEndpoint: env.AWS_ENDPOINT_URL_SQS || generic,
    ssmEndpoint: env.AWS_ENDPOINT_URL_SSM || generic,
    tableName: required(env, "BERTH_TABLE"),
    queuePrefix: required(env, "BERTH_QUEUE_PREFIX"),
    hostDeadLetterQueueArn: env.BERTH_HOST_DLQ_ARN || undefined,
    hostDownAfterSeconds: positiveNumber(env, "BERTH_HOST_DOWN_AFTER_SECONDS", 180),
    operationTimeoutSeconds: positiveNumber(env, "BERTH_OPERATION_TIMEOUT_SECONDS", 300),
    tombstoneDays: positiveNumber(env, "BERTH_TOMBSTONE_DAYS", 42),
    placementStrategy: env.BERTH_PLACEMENT_STRATEGY || "binpack",
    weigherMultipliers: readWeigherMultipliers(env),
    hostSubsetSize: positiveNumber(env, "BERTH_HOST_SUBSET_SIZE", 3),
    hostSnapshotSeconds: positiveNumber(env, "BERTH_HOST_SNAPSHOT_SECONDS", 5),
    buildAttempts: positiveNumber(env, "BERTH_BUILD_ATTEMPTS", 3),
    imageValidation: imageValidationOf(env.BERTH_IMAGE_VALIDATION),
    hostAnswerSeconds: Math.min(
      LONGEST_HOST_WAIT_MS / 1000,
      positiveNumber(env, "BERTH_HOST_ANSWER_SECONDS", LONGEST_HOST_WAIT_MS / 1000),
    ),
    ...readAuthentication(env),
    secretKey: env.BERTH_SECRET_KEY || undefined,
    secretKeyParameter: env.BERTH_SECRET_KEY_PARAMETER || undefined,
    secretKeyId: env.BERTH_SECRET_KEY_ID || "k1",
    previousSecretKeys: env.BERTH_PREVIOUS_SECRET_KEYS || undefined,
    throttle: readThrottleSettings(env),
  };
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`configuration: ${name} is not set`);
  return value;
}

function imageValidationOf(value: string | undefined): ImageValidation {
  if (value === undefined || value === "") return "off";
  if (!isImageValidation(value))
    throw new Error(
      `configuration: BERTH_IMAGE_VALIDATION must be one of ${IMAGE_VALIDATIONS.join(", ")}, got ${value}`,
    );
  return value;
}
