import type { ContainerRecord } from "../../../shared/model/container.ts";
import type { DockerPort } from "../docker/docker-port.ts";

export interface QueryContext {
  docker: DockerPort;
  dockerId: string;
  record: ContainerRecord;
  params: Record<string, unknown>;
  /** When the function that asked stops waiting (epoch ms): work past it is wasted. */
  answerBy: number;
}

/** Answers one kind of question about a container from Docker. */
export type QueryHandler = (context: QueryContext) => Promise<unknown>;
