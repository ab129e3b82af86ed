import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { cruise } from "dependency-cruiser";
import { afterAll, describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
const { forbidden } = require("../../../.dependency-cruiser.cjs");

/** A tiny tree laid out like Berth's, cruised with Berth's own rules. */
const tree = mkdtempSync(join(tmpdir(), "berth-imports-"));
afterAll(() => rmSync(tree, { recursive: true, force: true }));

function write(path: string, text: string) {
  mkdirSync(dirname(join(tree, path)), { recursive: true });
  writeFileSync(join(tree, path), text);
}

async function violationsOf(files: Record<string, string>): Promise<string[]> {
  rmSync(tree, { recursive: true, force: true });
  for (const [path, text] of Object.entries(files)) write(path, text);
  const layers = [...new Set(Object.keys(files).map((path) => path.split("/")[0] ?? path))];
  const result = await cruise(layers, {
    baseDir: tree,
    validate: true,
    ruleSet: { forbidden },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: [".ts"] },
  });
  const output = result.output as { summary: { violations: { rule: { name: string } }[] } };
  return output.summary.violations.map((violation) => violation.rule.name).sort();
}

describe("the import rules", () => {
  it("accept layers that point down", async () => {
    expect(
      await violationsOf({
        "shared/model.ts": "export const x = 1;\n",
        "functions/handler.ts": 'import { x } from "../shared/model.ts";\nexport const y = x;\n',
        "agents/agent.ts": 'import { x } from "../shared/model.ts";\nexport const z = x;\n',
      }),
    ).toEqual([]);
  });

  it("refuse shared code that reaches up into a handler or the agent", async () => {
    expect(
      await violationsOf({
        "shared/model.ts": 'import { y } from "../functions/handler.ts";\nexport const x = y;\n',
        "functions/handler.ts": "export const y = 1;\n",
      }),
    ).toEqual(["shared-is-the-bottom-layer"]);
  });

  it("refuse the agent and the functions importing each other", async () => {
    expect(
      await violationsOf({
        "functions/handler.ts": 'import { z } from "../agents/agent.ts";\nexport const y = z;\n',
        "agents/agent.ts": "export const z = 1;\n",
      }),
    ).toEqual(["functions-do-not-import-the-agent"]);
  });

  it("refuse domain code that reads a request, and let shared/http read its own", async () => {
    expect(
      await violationsOf({
        "shared/http/request.ts": "export const parse = 1;\n",
        "shared/http/handler.ts": 'import { parse } from "./request.ts";\nexport const h = parse;\n',
        "shared/containers/list.ts": 'import { parse } from "../http/request.ts";\nexport const l = parse;\n',
      }),
    ).toEqual(["the-domain-does-not-read-requests"]);
  });

  it("refuse a record in the model that reaches into the layers above it", async () => {
    expect(
      await violationsOf({
        "shared/store/keys.ts": "export const k = 1;\n",
        "shared/model/container.ts": 'import { k } from "../store/keys.ts";\nexport const c = k;\n',
      }),
    ).toEqual(["the-model-is-the-bottom-layer"]);
  });

  it("refuse a circle, even of types", async () => {
    const violations = await violationsOf({
      "shared/a.ts": 'import type { B } from "./b.ts";\nexport type A = { b?: B };\n',
      "shared/b.ts": 'import type { A } from "./a.ts";\nexport type B = { a?: A };\n',
    });
    expect(violations).toContain("no-circular-types");
  });
});
