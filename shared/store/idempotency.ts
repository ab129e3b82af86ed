/** An idempotency key claimed by a create, so a retry finds the container it made. */
export interface IdempotencyClaim {
  key: string;
  fingerprint: string;
  /** Epoch seconds; the key is forgotten after. */
  expiresAt: number;
}

/** Another request with the same idempotency key won the race. */
export class DuplicateCreateError extends Error {
  constructor(readonly key: string) {
    super(`a create with idempotency key ${key} is already recorded`);
  }
}
