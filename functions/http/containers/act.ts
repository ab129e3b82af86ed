import { archiveFromClient } from "../../../shared/containers/archive-encoding.ts";
import { queryContainer } from "../../../shared/containers/host-queries.ts";
import { LIFECYCLE_REQUESTS, type LifecycleAction } from "../../../shared/containers/lifecycle-requests.ts";
import { splitCommand } from "../../../shared/containers/split-command.ts";
import { submitContainerRequest } from "../../../shared/containers/submit-request.ts";
import { updateContainer } from "../../../shared/containers/update-container.ts";
import { validateUpdateBody } from "../../../shared/containers/validate-update.ts";
import { containerView } from "../../../shared/containers/view.ts";
import { InvalidFieldError, NotFoundError, NotImplementedError, PayloadTooLargeError } from "../../../shared/errors.ts";
import type { HttpContext, HttpEvent } from "../../../shared/http/context.ts";
import { httpHandler } from "../../../shared/http/handler.ts";
import { baseUrlOf, booleanParameter, pathParameter, stringParameter } from "../../../shared/http/request.ts";
import { type HttpResponse, json } from "../../../shared/http/responses.ts";
import { committedRepository } from "../../../shared/images/committed-images.ts";
import type { ContainerRecord } from "../../../shared/model/container.ts";
import { allowedStatuses } from "../../../shared/model/lifecycle.ts";
import { executeInteractively, resizeTerminal } from "../../../shared/sessions/interactive-requests.ts";
import { containerOfRequest } from "./container-of-request.ts";
import { queryCallerOf, requiredExecId, requiredPath, terminalSizeOf } from "./host-query-parameters.ts";
import { LIFECYCLE_PARAMETERS, lifecycleOptionsOf } from "./lifecycle-parameters.ts";

/** SQS takes 256 KiB per message; the archive travels inside one. */
const MAX_ARCHIVE_BASE64 = 190 * 1024;

interface ContainerAction {
  parameters: string[];
  run(
    record: ContainerRecord,
    query: Record<string, string>,
    event: HttpEvent,
    context: HttpContext,
  ): Promise<HttpResponse>;
}

/** Zun routes that need Neutron, which Berth does not offer. */
const REFUSED: Record<string, string> = {
  network_attach:
    "Neutron networks are not supported by Berth; each project's containers share a network on their host",
  network_detach: "Neutron networks are not supported by Berth",
};

const LIFECYCLE_ACTIONS: Record<string, ContainerAction> = Object.fromEntries(
  Object.entries(LIFECYCLE_PARAMETERS).map(([name, parameters]) => [
    name,
    {
      parameters: [...parameters],
      async run(record, query, event, { stores, sqs, caller, requestId }) {
        const accepted = await submitContainerRequest(
          record,
          LIFECYCLE_REQUESTS[name as LifecycleAction](lifecycleOptionsOf(query), record),
          { caller, requestId },
          stores,
          sqs,
        );
        return json(202, containerView(accepted, baseUrlOf(event)));
      },
    } satisfies ContainerAction,
  ]),
);

const ACTIONS: Record<string, ContainerAction> = {
  ...LIFECYCLE_ACTIONS,

  rename: {
    parameters: ["name"],
    async run(record, query, event, { stores, sqs, caller, requestId }) {
      const name = stringParameter(query, "name");
      if (name === undefined) throw new InvalidFieldError("name", "is required");
      const updated = await updateContainer(
        record,
        validateUpdateBody({ name }, ["name"]),
        "rename",
        { caller, requestId },
        stores,
        sqs,
      );
      return json(200, containerView(updated, baseUrlOf(event)));
    },
  },

  resize_container: {
    parameters: [],
    async run(record, _query, event, { stores, sqs, caller, requestId, body }) {
      const updated = await updateContainer(
        record,
        validateUpdateBody(body, ["cpu", "memory"]),
        "resize",
        { caller, requestId },
        stores,
        sqs,
      );
      return json(202, containerView(updated, baseUrlOf(event)));
    },
  },

  execute: {
    parameters: ["command", "run", "interactive"],
    async run(record, queryOnly, _event, context) {
      const query = { ...fieldsOfBody(context.body, ["command", "run", "interactive"]), ...queryOnly };
      const line = stringParameter(query, "command");
      if (line === undefined) throw new InvalidFieldError("command", "is required");
      if (booleanParameter(query, "interactive"))
        return json(
          200,
          await executeInteractively(record, splitCommand(line), queryCallerOf(context), context.stores, context.sqs),
        );
      if (stringParameter(query, "run") !== undefined && !booleanParameter(query, "run")) {
        throw new NotImplementedError(
          "An execute neither run nor interactive is not supported by Berth; use run=true for a command's output and exit code, or interactive=true for a session.",
        );
      }
      const rule = { allowedIn: allowedStatuses("execute"), action: "exec_cmd", verb: "execute" };
      return json(
        200,
        await queryContainer(
          record,
          "execute",
          { command: splitCommand(line) },
          rule,
          queryCallerOf(context),
          context.stores,
          context.sqs,
        ),
      );
    },
  },

  resize: {
    parameters: ["w", "h"],
    async run(record, query, _event, context) {
      await resizeTerminal(
        record,
        terminalSizeOf(query),
        undefined,
        queryCallerOf(context),
        context.stores,
        context.sqs,
      );
      return json(200, null);
    },
  },

  execute_resize: {
    parameters: ["exec_id", "w", "h"],
    async run(record, query, _event, context) {
      const size = terminalSizeOf(query);
      await resizeTerminal(record, size, requiredExecId(query), queryCallerOf(context), context.stores, context.sqs);
      return json(200, null);
    },
  },

  put_archive: {
    parameters: ["path"],
    async run(record, query, _event, context) {
      const path = requiredPath(query);
      const data = archiveFromClient((context.body as { data?: unknown } | undefined)?.data, context.apiVersion);
      if (data.length > MAX_ARCHIVE_BASE64)
        throw new PayloadTooLargeError(
          `The archive is ${data.length} base64 characters; at most ${MAX_ARCHIVE_BASE64} fit one host message.`,
        );
      const rule = { allowedIn: allowedStatuses("archive"), action: "put_archive" };
      await queryContainer(
        record,
        "put_archive",
        { path, data },
        rule,
        queryCallerOf(context),
        context.stores,
        context.sqs,
      );
      return json(200, null);
    },
  },

  commit: {
    parameters: ["repository", "tag"],
    async run(record, query, _event, context) {
      const repository = stringParameter(query, "repository");
      if (!repository || !/^[a-z0-9]+([._/-][a-z0-9]+)*$/.test(repository))
        throw new InvalidFieldError("repository", "is required: a lowercase image repository name");
      const tag = stringParameter(query, "tag");
      if (tag !== undefined && !/^\w[\w.-]{0,127}$/.test(tag))
        throw new InvalidFieldError("tag", `'${tag}' is not an image tag`);
      const rule = { allowedIn: allowedStatuses("commit"), action: "commit" };
      const params = { repository: committedRepository(record.project_id, repository), tag };
      return json(
        202,
        await queryContainer(record, "commit", params, rule, queryCallerOf(context), context.stores, context.sqs),
      );
    },
  },
};

/**
 * Zun's framework merges a JSON body's fields into an action's parameters
 * (zun-tempest-plugin sends execute's command that way); the query wins.
 */
function fieldsOfBody(body: unknown, names: readonly string[]): Record<string, string> {
  if (!body || typeof body !== "object" || Array.isArray(body)) return {};
  const fields: Record<string, string> = {};
  for (const name of names) {
    const value = (body as Record<string, unknown>)[name];
    if (typeof value === "string" || typeof value === "boolean" || typeof value === "number")
      fields[name] = String(value);
    else if (value !== undefined && value !== null) throw new InvalidFieldError(name, "must be a string");
  }
  return fields;
}

/** POST /v1/containers/{id}/{action}: lifecycle actions, rename, resize_container, execute (run or interactive), resize, execute_resize, put_archive, commit. */
export const handler = httpHandler(async (event, context) => {
  const name = pathParameter(event, "action");
  if (Object.hasOwn(REFUSED, name)) throw new NotImplementedError(`${name}: ${REFUSED[name]}.`);
  const action = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
  if (!action) throw new NotFoundError(`Unknown container action ${name}.`);
  const { record, query } = await containerOfRequest(event, context, action.parameters);
  return action.run(record, query, event, context);
});
