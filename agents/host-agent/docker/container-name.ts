import type { CapsuleMember, CapsuleRecord } from "../../../shared/model/capsule.ts";
import type { ContainerRecord } from "../../../shared/model/container.ts";

/** The Docker name Berth gives a container's Docker container. */
export function dockerNameOf(uuid: string): string {
  return `berth-${uuid}`;
}

/** How Docker knows a container: its id once recorded, else the name Berth gave it. */
export function dockerIdOf(record: Pick<ContainerRecord, "container_id" | "uuid">): string {
  return record.container_id ?? dockerNameOf(record.uuid);
}

/** A listed container's name, without the "/" Docker puts before it. */
export function nameOfListed(names: string[] | undefined): string {
  return (names?.[0] ?? "").replace(/^\//, "");
}

/** The Docker name of a capsule's sandbox. */
export function sandboxName(capsule: Pick<CapsuleRecord, "uuid">): string {
  return `berth-capsule-${capsule.uuid}`;
}

/** The Docker name of one of a capsule's containers. */
export function memberName(capsule: Pick<CapsuleRecord, "uuid">, member: Pick<CapsuleMember, "name">): string {
  return `berth-capsule-${capsule.uuid}-${member.name}`;
}
