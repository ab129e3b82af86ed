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
  return { stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), combined: Buffer.concat(all).toString("utf8") };
}

export function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
  });
}
