import { afterEach, describe, expect, it, vi } from "vitest";
import type { AnyHostMessage } from "../../../shared/queue/host-messages.ts";
import { settleDeadLetter } from "../../../shared/reconcile/settle-dead-letter.ts";
import type { Stores } from "../../../shared/store/stores.ts";

afterEach(() => vi.restoreAllMocks());

describe("a dead-lettered query or volume removal is reported", () => {
  it("by what it was, never with what it carried (commands, archive data)", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void lines.push(line));
    const query = {
      kind: "query",
      query: "execute",
      container_uuid: "c-1",
      request_id: "req-1",
      params: { command: ["sh", "-c", "echo s3cr3t-token"] },
      answer_by: 0,
    } as unknown as AnyHostMessage;
    expect(await settleDeadLetter(query, {} as Stores)).toBe("reported");
    const archive = {
      ...query,
      query: "put_archive",
      params: { path: "/etc", data: "c2VjcmV0LWZpbGU=" },
    } as unknown as AnyHostMessage;
    expect(await settleDeadLetter(archive, {} as Stores)).toBe("reported");
    expect(lines).toHaveLength(2);
    const logged = lines.join("\n");
    expect(logged).not.toContain("s3cr3t-token");
    expect(logged).not.toContain("c2VjcmV0LWZpbGU=");
    expect(JSON.parse(lines[0]!)).toMatchObject({
      kind: "query",
      query: "execute",
      container_uuid: "c-1",
      request_id: "req-1",
    });
  });
});
