import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ChangeMessageVisibilityBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { log } from "../../shared/log.ts";

/** What the state folder keeps: the queue and the receipt handles of the messages held when last written. */
interface HeldFile {
  queue_url: string;
  handles: string[];
}

export function heldMessagesFile(stateDir: string): string {
  return join(stateDir, "held-messages.json");
}

/**
 * The receipt handles of the messages this agent holds (received, not yet
 * deleted or given up), kept in its state folder so that the next start after
 * a crash can hand them back to the queue at once instead of leaving each
 * container's FIFO group blocked for a whole visibility timeout. Holding and
 * releasing cost no I/O on the caller's path: writes are coalesced, at most
 * one in flight, each carrying every change made since the last. A handle
 * that outlives its message in the file is harmless: SQS refuses it.
 */
export class HeldMessages {
  private readonly handles = new Set<string>();
  private dirty = false;
  private writing: Promise<void> | undefined;
  /** Writes made so far (for measuring the bookkeeping). */
  writes = 0;

  constructor(
    private readonly file: string,
    private readonly queueUrl: string,
  ) {}

  hold(handle: string): void {
    this.handles.add(handle);
    this.changed();
  }

  release(handle: string): void {
    if (this.handles.delete(handle)) this.changed();
  }

  /** Writes what is held now (nothing, at start: the previous run's handles have been returned). */
  async persist(): Promise<void> {
    this.changed();
    await this.flushed();
  }

  /** Settles once what is held now is on disk. */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private changed(): void {
    this.dirty = true;
    this.writing ??= this.writeWhileDirty().finally(() => (this.writing = undefined));
  }

  private async writeWhileDirty(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      const content: HeldFile = { queue_url: this.queueUrl, handles: [...this.handles] };
      try {
        await writeAtomically(this.file, JSON.stringify(content));
        this.writes++;
      } catch (error) {
        // Losing the file costs only speed after a crash (the visibility timeout still brings the work back).
        log("warn", "could not record the messages this agent holds", { file: this.file, error });
      }
    }
  }
}

/**
 * At start: the receipt handles a previous run of this agent held when it
 * stopped (none after a first start, or when the file names another queue).
 * Read before this run's HeldMessages writes the file anew.
 */
export async function readHeldMessages(file: string, queueUrl: string): Promise<string[]> {
  try {
    const held = JSON.parse(await readFile(file, "utf8")) as HeldFile;
    return held.queue_url === queueUrl ? held.handles : [];
  } catch {
    return []; // nothing held, or a first start
  }
}

/**
 * Makes the messages a previous run held visible again at once
 * (ChangeMessageVisibility 0), so their work resumes now rather than after
 * their visibility timeout. Call it only once a dead run's long poll has
 * surely ended (`pollWaitSeconds` after this run started): the queue hands a
 * message made visible during an open long poll to that poll, even when its
 * caller is gone, and the message is then hidden for a whole visibility
 * timeout again. Handles of messages since deleted, or received again, are
 * refused by the queue and skipped. Returns how many were handed back.
 */
export async function returnHeldMessages(handles: string[], queueUrl: string, sqs: SQSClient): Promise<number> {
  if (handles.length === 0) return 0;
  let returned = 0;
  for (let start = 0; start < handles.length; start += 10) {
    const batch = handles.slice(start, start + 10);
    try {
      const answer = await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((handle, index) => ({ Id: String(index), ReceiptHandle: handle, VisibilityTimeout: 0 })),
        }),
      );
      returned += answer.Successful?.length ?? 0;
    } catch (error) {
      log("warn", "could not return the messages a previous run held; they come back after their visibility timeout", {
        error,
      });
    }
  }
  log("info", "returned the messages a previous run of this agent held", { held: handles.length, returned });
  return returned;
}

async function writeAtomically(file: string, content: string): Promise<void> {
  const temporary = `${file}.tmp`;
  try {
    await writeFile(temporary, content);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    await mkdir(dirname(file), { recursive: true });
    await writeFile(temporary, content);
  }
  await rename(temporary, file);
}
