import { archiveForClient } from "../../../shared/containers/archive-encoding.ts";
import { queryContainer } from "../../../shared/containers/host-queries.ts";
import { InvalidFieldError, NotFoundError, NotImplementedError } from "../../../shared/errors.ts";
import type { HttpContext } from "../../../shared/http/context.ts";
import { httpHandler } from "../../../shared/http/handler.ts";
import { booleanParameter, pathParameter, stringParameter } from "../../../shared/http/request.ts";
import { type HttpResponse, json } from "../../../shared/http/responses.ts";
import type { ContainerRecord } from "../../../shared/model/container.ts";
import { allowedStatuses } from "../../../shared/model/lifecycle.ts";
import { attachContainer } from "../../../shared/sessions/interactive-requests.ts";
import { containerOfRequest } from "./container-of-request.ts";
import { queryCallerOf, requiredPath } from "./host-query-parameters.ts";

interface Inspector {
  parameters: string[];
  run(record: ContainerRecord, query: Record<string, string>, context: HttpContext): Promise<HttpResponse>;
}

const INSPECTORS: Record<string, Inspector> = {
  /** The log as one JSON string, as python-zunclient expects. */
  logs: {
    parameters: ["stdout", "stderr", "timestamps", "tail", "since"],
    async run(record, query, context) {
      let stdout = query.stdout === undefined || booleanParameter(query, "stdout");
      let stderr = query.stderr === undefined || booleanParameter(query, "stderr");
      if (!stdout && !stderr) stdout = stderr = true;
      const tail = stringParameter(query, "tail");
      if (tail !== undefined && tail !== "all" && !/^\d+$/.test(tail))
        throw new InvalidFieldError("tail", `must be a number of lines or all, got ${JSON.stringify(tail)}`);
      const since = sinceOf(stringParameter(query, "since"));
      const params = { stdout, stderr, timestamps: booleanParameter(query, "timestamps"), tail: tail ?? "all", since };
      return json(200, await ask(record, "logs", params, allowedStatuses("logs"), context));
    },
  },

  top: {
    parameters: ["ps_args"],
    async run(record, query, context) {
      const psArgs = stringParameter(query, "ps_args");
      if (psArgs !== undefined && !/^[\w\s,=-]*$/.test(psArgs))
        throw new InvalidFieldError("ps_args", "may hold only letters, digits, spaces and , = -");
      return json(200, await ask(record, "top", { ps_args: psArgs }, allowedStatuses("top"), context));
    },
  },

  stats: {
    parameters: [],
    run: async (record, _query, context) =>
      json(200, await ask(record, "stats", {}, allowedStatuses("stats"), context)),
  },

  /** A websocket URL with a single-use token, as a JSON string (python-zunclient's `attach`). */
  attach: {
    parameters: [],
    run: async (record, _query, context) =>
      json(200, await attachContainer(record, queryCallerOf(context), context.stores)),
  },

  get_archive: {
    parameters: ["path"],
    async run(record, query, context) {
      const answer = (await ask(
        record,
        "get_archive",
        { path: requiredPath(query) },
        allowedStatuses("archive"),
        context,
      )) as { data: string; stat: unknown };
      return json(200, { ...answer, data: archiveForClient(answer.data, context.apiVersion) });
    },
  },
};

/** Zun routes that need Neutron, which Berth does not offer. */
const REFUSED: Record<string, string> = {
  network_list: "Neutron networks are not supported by Berth",
};

/** GET /v1/containers/{id}/{query}: logs, top, stats, get_archive (answered by the container's host), attach. */
export const handler = httpHandler(async (event, context) => {
  const name = pathParameter(event, "query");
  if (Object.hasOwn(REFUSED, name)) throw new NotImplementedError(`${name}: ${REFUSED[name]}.`);
  const inspector = Object.hasOwn(INSPECTORS, name) ? INSPECTORS[name] : undefined;
  if (!inspector) throw new NotFoundError(`No route for GET ${event.rawPath}.`);
  const { record, query } = await containerOfRequest(event, context, inspector.parameters);
  return inspector.run(record, query, context);
});

function ask(
  record: ContainerRecord,
  query: "logs" | "top" | "stats" | "get_archive",
  params: Record<string, unknown>,
  allowedIn: readonly string[],
  context: HttpContext,
) {
  return queryContainer(
    record,
    query,
    params,
    { allowedIn: allowedIn as ContainerRecord["status"][] },
    queryCallerOf(context),
    context.stores,
    context.sqs,
  );
}

/** `since` is a UNIX timestamp or an ISO date. */
function sinceOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value)) {
    // Docker parses an int64: a number JavaScript cannot hold exactly reaches it as "1e+23".
    if (!Number.isSafeInteger(Number(value)))
      throw new InvalidFieldError("since", `must be a UNIX timestamp, got ${JSON.stringify(value.slice(0, 40))}`);
    return Number(value);
  }
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed))
    throw new InvalidFieldError("since", `must be a UNIX timestamp or an ISO 8601 date, got ${JSON.stringify(value)}`);
  return Math.floor(parsed / 1000);
}
