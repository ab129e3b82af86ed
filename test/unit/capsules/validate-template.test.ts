import { describe, expect, it } from "vitest";
import { validateCapsuleBody } from "../../../shared/capsules/validate-template.ts";
import { BerthError } from "../../../shared/errors.ts";

const IMAGE = "berth-test/busybox:1";

function template(spec: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { template: { kind: "capsule", metadata: { name: "web" }, spec, ...extra } };
}

describe("a capsule template", () => {
  it("maps Zun's (Kubernetes') fields to the capsule's", () => {
    const spec = validateCapsuleBody(
      template({
        restartPolicy: "OnFailure",
        initContainers: [{ image: IMAGE, command: ["sh", "-c"], args: ["true"] }],
        containers: [
          {
            name: "web",
            image: IMAGE,
            env: [{ name: "A", value: "1" }],
            workDir: "/srv",
            resources: { limits: { cpu: 0.5, memory: "128M" } },
            ports: [{ containerPort: 80 }, { containerPort: "53", protocol: "UDP" }],
            imagePullPolicy: "Never",
          },
        ],
      }),
    );
    expect(spec).toMatchObject({ name: "web", restart_policy: { Name: "on-failure", MaximumRetryCount: 0 } });
    expect(spec.init_containers[0]).toMatchObject({
      name: "init-0",
      command: ["sh", "-c", "true"],
      cpu: 0.1,
      memory: 64,
    });
    expect(spec.containers[0]).toMatchObject({
      environment: { A: "1" },
      workdir: "/srv",
      cpu: 0.5,
      memory: 128,
      exposed_ports: { "80/tcp": {}, "53/udp": {} },
      image_pull_policy: "never",
    });
  });

  it("may come as a JSON string, as Zun's API also takes it", () => {
    const spec = validateCapsuleBody({
      template: JSON.stringify(template({ containers: [{ image: IMAGE }] }).template),
    });
    expect(spec.containers).toHaveLength(1);
  });

  it("names a container's duplicate name by its path", () => {
    expect(() =>
      validateCapsuleBody(
        template({
          containers: [
            { name: "a1", image: IMAGE },
            { name: "a1", image: IMAGE },
          ],
        }),
      ),
    ).toThrow("Invalid input for field/attribute spec.containers[1].name: a1 is used twice in the capsule");
  });

  const JUNK: unknown[] = [null, 0, -1, 1e300, "", "x", "../..", [], [1], {}, { a: {} }, true, "__proto__"];
  const FIELDS: Array<(value: unknown) => unknown> = [
    (v) => v,
    (v) => ({ template: v }),
    (v) => template({ containers: [{ image: IMAGE }] }, { metadata: v }),
    (v) => template({ containers: [{ image: IMAGE }] }, { metadata: { labels: v } }),
    (v) => template({ containers: [{ image: IMAGE }] }, { capsuleVersion: v, availabilityZone: v }),
    (v) => template({ containers: v }),
    (v) => template({ containers: [v] }),
    (v) => template({ containers: [{ image: IMAGE }], initContainers: v }),
    (v) => template({ containers: [{ image: IMAGE }], restartPolicy: v }),
    (v) => template({ containers: [{ image: IMAGE }], volumes: v }),
    (v) => template({ containers: [{ image: IMAGE }], volumes: [v] }),
    ...[
      "name",
      "image",
      "command",
      "args",
      "workDir",
      "env",
      "resources",
      "ports",
      "volumeMounts",
      "imagePullPolicy",
    ].map(
      (field) => (v: unknown) => template({ containers: [{ image: IMAGE, [field]: v }], volumes: [{ name: "v" }] }),
    ),
    (v) => template({ containers: [{ image: IMAGE, env: [v] }] }),
    (v) => template({ containers: [{ image: IMAGE, env: [{ name: v, value: v }] }] }),
    (v) => template({ containers: [{ image: IMAGE, resources: { requests: v, limits: v } }] }),
    (v) => template({ containers: [{ image: IMAGE, resources: { requests: { cpu: v, memory: v } } }] }),
    (v) => template({ containers: [{ image: IMAGE, ports: [v] }] }),
    (v) => template({ containers: [{ image: IMAGE, ports: [{ containerPort: v, protocol: v }] }] }),
    (v) => template({ containers: [{ image: IMAGE, volumeMounts: [v] }], volumes: [{ name: "v" }] }),
    (v) =>
      template({
        containers: [{ image: IMAGE, volumeMounts: [{ name: "v", mountPath: v }] }],
        volumes: [{ name: "v" }],
      }),
  ];

  it("with any value in any field either validates or is a 4xx naming what is wrong, never a crash", () => {
    for (const [index, build] of FIELDS.entries())
      for (const junk of JUNK) {
        try {
          validateCapsuleBody(build(junk));
        } catch (error) {
          expect(error, `field builder ${index} with ${JSON.stringify(junk)}`).toBeInstanceOf(BerthError);
          expect((error as BerthError).status).toBeLessThan(500);
        }
      }
  });
});
