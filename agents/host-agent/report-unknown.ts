import { log } from "../../shared/log.ts";
import { UNKNOWN_LIST_CAP, type UnknownDockerThing } from "../../shared/model/host.ts";
import type { Stores } from "../../shared/store/stores.ts";

/**
 * Records on the host item what this host's Docker has that Berth has
 * neither a record nor a tombstone of, as just seen: entries keep when they
 * were first seen, the ones no longer there are cleared, and the list is
 * capped (the count is the whole). Written only when it changed; each newly
 * seen one is logged.
 */
export async function reportUnknown(
  hostId: string,
  kind: "containers" | "volumes",
  seen: Array<Omit<UnknownDockerThing, "first_seen">>,
  stores: Pick<Stores, "hosts">,
  now = new Date().toISOString(),
): Promise<void> {
  const keyOf = (entry: Omit<UnknownDockerThing, "first_seen">) => entry.docker_id ?? entry.name;
  // What this process last wrote: a sync that sees the same reads nothing (cheap at rest), but the
  // host item is looked at again now and then, in case it was written behind this agent's back.
  const memo = `${hostId}|${kind}`;
  const signature = seen.map(keyOf).sort().join(",");
  const last = lastWritten.get(memo);
  if (last?.signature === signature && Date.now() - last.at < RECHECK_MS) return;
  const host = await stores.hosts.get(hostId);
  if (!host) return;
  const listed = (kind === "containers" ? host.unknown_containers : host.unknown_volumes) ?? [];
  const listedCount = (kind === "containers" ? host.unknown_container_count : host.unknown_volume_count) ?? 0;
  const before = new Map(listed.map((entry) => [keyOf(entry), entry]));
  const entries = seen.map((entry) => ({ ...entry, first_seen: before.get(keyOf(entry))?.first_seen ?? now }));
  for (const entry of entries) {
    if (!before.has(keyOf(entry)))
      log(
        "warn",
        `keeping Docker ${kind === "containers" ? "a container" : "a volume"} Berth has no record or tombstone of`,
        { host_id: hostId, ...entry },
      );
  }
  entries.sort((a, b) => a.first_seen.localeCompare(b.first_seen) || keyOf(a).localeCompare(keyOf(b)));
  const capped = entries.slice(0, UNKNOWN_LIST_CAP);
  const unchanged =
    listedCount === entries.length &&
    listed.length === capped.length &&
    capped.every((entry) => before.has(keyOf(entry)));
  if (!unchanged) {
    log(entries.length > 0 ? "warn" : "info", `unknown Docker ${kind} on this host`, {
      host_id: hostId,
      count: entries.length,
    });
    await stores.hosts.recordUnknown(hostId, kind, capped, entries.length);
  }
  lastWritten.set(memo, { signature, at: Date.now() });
}

const RECHECK_MS = 10 * 60_000;
const lastWritten = new Map<string, { signature: string; at: number }>();
