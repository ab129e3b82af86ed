import type { BerthConfig } from "../config.ts";
import { ActionStore } from "./actions.ts";
import { documentClientFor } from "./clients.ts";
import { ContainerStore } from "./containers.ts";
import { HostStore } from "./hosts.ts";
import { ReplyStore } from "./replies.ts";

export interface Stores {
  containers: ContainerStore;
  hosts: HostStore;
  actions: ActionStore;
  replies: ReplyStore;
}

export function storesFor(config: BerthConfig): Stores {
  const db = documentClientFor(config);
  return {
    containers: new ContainerStore(db, config.tableName),
    hosts: new HostStore(db, config.tableName),
    actions: new ActionStore(db, config.tableName),
    replies: new ReplyStore(db, config.tableName),
  };
}
