import type { ContainerRecord } from "../../../shared/containers/record.ts";
import type { DockerDriver } from "../docker-driver.ts";

export interface QueryContext {
  docker: DockerDriver;
  dockerId: string;
  record: ContainerRecord;
  params: Record<string, unknown>;
}

/** Answers one kind of question about a container from Docker. */
export type QueryHandler = (context: QueryContext) => Promise<unknown>;
