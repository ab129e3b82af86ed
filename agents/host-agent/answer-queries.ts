import { BerthError } from "../../shared/errors.ts";
import { log } from "../../shared/log.ts";
import type { HostQuery, HostQueryKind } from "../../shared/queue/host-messages.ts";
import type { Reply } from "../../shared/store/replies.ts";
import type { Stores } from "../../shared/store/stores.ts";
import { dockerIdOf } from "./docker/container-name.ts";
import { DockerOperationError } from "./docker/docker-errors.ts";
import type { DockerPort } from "./docker/docker-port.ts";
import { isPlacedHere } from "./is-placed-here.ts";
import { getArchive, putArchive } from "./queries/archives.ts";
import { commit } from "./queries/commit.ts";
import { execute } from "./queries/execute.ts";
import { createExec, resizeExec, resizeTty } from "./queries/interactive.ts";
import { logs } from "./queries/logs.ts";
import type { QueryHandler } from "./queries/query-handler.ts";
import { searchImages } from "./queries/search-images.ts";
import { stats } from "./queries/stats.ts";
import { top } from "./queries/top.ts";
import { QueryLane } from "./query-lane.ts";
import { reasonForUser } from "./reason-for-user.ts";
import { syncStatusFromDocker } from "./sync-status.ts";

/** Questions about the host itself: no container record is read. */
const HOST_QUERIES: Partial<Record<HostQueryKind, QueryHandler>> = { search_images: searchImages };

const QUERIES: Record<Exclude<HostQueryKind, "search_images">, QueryHandler> = {
  logs,
  execute,
  top,
  stats,
  get_archive: getArchive,
  put_archive: putArchive,
  commit,
  inspect: async ({ record }) => record,
  create_exec: createExec,
  resize_tty: resizeTty,
  resize_exec: resizeExec,
};

/**
 * Answers functions' questions about containers on this host, leaving each
 * answer in the reply table. A question nobody waits for any more is skipped.
 */
export class QueryAnswerer {
  constructor(
    private readonly docker: DockerPort,
    private readonly stores: Pick<Stores, "containers" | "replies">,
    private readonly hostId: string,
    private readonly lane = new QueryLane({ running: 4, perProject: 2 }),
  ) {}

  async answer(query: HostQuery): Promise<void> {
    if (Date.now() > query.answer_by) return;
    if (!(await this.stores.replies.wasAsked(query))) {
      log("warn", "refusing a question no function asked", {
        request_id: query.request_id,
        query: query.query,
        container: query.container_uuid,
      });
      return;
    }
    let reply: Reply;
    try {
      const aboutHost = HOST_QUERIES[query.query];
      if (aboutHost) {
        await this.stores.replies.put(query.request_id, {
          ok: true,
          value: await aboutHost({
            docker: this.docker,
            dockerId: "",
            record: undefined as never,
            params: query.params,
            answerBy: query.answer_by,
          }),
        });
        return;
      }
      const record = await this.stores.containers.get(query.container_uuid);
      if (!isPlacedHere(record, this.hostId))
        throw new BerthError("not_found", 404, `Container ${query.container_uuid} is not on this host.`);
      const leave = await this.lane.enter(record.project_id, query.answer_by);
      try {
        const current =
          query.query === "inspect"
            ? await syncStatusFromDocker(record, this.hostId, this.docker, this.stores)
            : record;
        const value = await QUERIES[query.query as keyof typeof QUERIES]({
          docker: this.docker,
          dockerId: dockerIdOf(current),
          record: current,
          params: query.params,
          answerBy: query.answer_by,
        });
        reply = { ok: true, value };
      } finally {
        leave();
      }
    } catch (error) {
      reply = replyForError(error);
      if (reply.ok === false && reply.status >= 500)
        log("warn", "query failed", { request_id: query.request_id, query: query.query, error });
    }
    await this.stores.replies.put(query.request_id, reply);
  }
}

function replyForError(error: unknown): Reply {
  if (error instanceof BerthError) return { ok: false, status: error.status, code: error.code, message: error.message };
  if (error instanceof DockerOperationError) {
    const status =
      error.kind === "not_found"
        ? 404
        : error.kind === "conflict" || error.kind === "rejected"
          ? 409
          : error.kind === "timeout"
            ? 504
            : 503;
    return { ok: false, status, code: `docker_${error.kind}`, message: reasonForUser(error.message) };
  }
  return {
    ok: false,
    status: 500,
    code: "host_error",
    message: reasonForUser(error instanceof Error ? error.message : String(error)),
  };
}
