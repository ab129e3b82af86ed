/**
 * Docker multiplexes a non-TTY container's stdout and stderr into frames with an
 * 8-byte header (stream, 0, 0, 0, size as big-endian u32). This reads them back
 * in order; a TTY container's output has no frames and is returned as it is.
 */
export function demultiplex(buffer: Buffer, tty: boolean): { stdout: string; stderr: string; combined: string } {
  if (tty) {
    const text = buffer.toString("utf8");
    return { stdout: text, stderr: "", combined: text };
  }
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const all: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const stream = buffer[offset];
    const size = buffer.readUInt32BE(offset + 4);
    const frame = buffer.subarray(offset + 8, offset + 8 + size);
    (stream === 2 ? err : out).push(frame);
    all.push(frame);
    offset += 8 + size;
  }
  return {
    stdout: Buffer.concat(out).toString("utf8"),
    stderr: Buffer.concat(err).toString("utf8"),
    combined: Buffer.concat(all).toString("utf8"),
  };
}

export interface CappedRead {
  buffer: Buffer;
  /** The stream had more than `maxBytes`; the rest was not read. */
  cut: boolean;
  /** The deadline came first; the stream was let go. */
  late: boolean;
}

/**
 * Reads a stream into memory, but never more than `maxBytes` of it and never
 * past `deadline` (epoch ms): past either, the stream is let go (destroyed),
 * so no container can make its host buffer or wait without bound.
 */
export function readCapped(stream: NodeJS.ReadableStream, maxBytes: number, deadline: number): Promise<CappedRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (cut: boolean, late: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (cut || late) (stream as unknown as { destroy?: () => void }).destroy?.();
      resolve({ buffer: Buffer.concat(chunks).subarray(0, maxBytes), cut, late });
    };
    const timer = setTimeout(() => finish(false, true), Math.max(0, deadline - Date.now()));
    stream.on("data", (chunk: Buffer) => {
      if (settled) return;
      chunks.push(Buffer.from(chunk));
      size += chunk.length;
      if (size > maxBytes) finish(true, false);
    });
    stream.on("end", () => finish(false, false));
    stream.on("error", (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(error);
    });
  });
}
