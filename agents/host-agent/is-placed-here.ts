/**
 * Whether the record places its container on this host: the one test every
 * agent path makes before acting on a record (syncing, healing, answering,
 * running work, sweeping). A record placed elsewhere or nowhere is not this
 * host's to touch.
 */
export function isPlacedHere<R extends { host_id: string | null }>(
  record: R | undefined,
  hostId: string,
): record is R & { host_id: string } {
  return record !== undefined && record.host_id === hostId;
}
