import { setTimeout as sleep } from "node:timers/promises";
import { TEST_IMAGE } from "../../local/test-image.ts";
import { startBerth, type TestBerth } from "./berth.ts";

/** What the capsule tests share: their callers, a capsule template that uses every part, and ways to look at a capsule. */
export const TOKENS = {
  "alice-token": { projectId: "project-a", userId: "alice", roles: ["member"] },
  "bob-token": { projectId: "project-b", userId: "bob", roles: ["member"] },
  "root-token": { projectId: "ops", userId: "root", roles: ["admin"] },
};
export const ADMIN = "root-token";
export const ALICE = "alice-token";

/** A Berth with the capsule tests' tokens. */
export function startCapsuleBerth(): Promise<TestBerth> {
  return startBerth({ callers: TOKENS });
}

/** Stops it, and removes what its capsules left in Docker's volumes. */
export async function stopCapsuleBerth(berth: TestBerth | undefined): Promise<void> {
  if (!berth) return;
  await berth.stop();
  const labelled = { label: [`berth.deployment=${berth.deployment}`] };
  for (const volume of (await berth.docker.listVolumes({ filters: labelled })).Volumes ?? [])
    await berth.docker
      .getVolume(volume.Name)
      .remove()
      .catch(() => undefined);
}

/** An init container writes a page into a shared volume; one container serves it, the other fetches it on localhost. */
export function webCapsule(name: string) {
  return {
    template: {
      kind: "capsule",
      capsuleVersion: "beta",
      metadata: { name, labels: { app: "web" } },
      spec: {
        restartPolicy: "Always",
        initContainers: [
          {
            name: "prepare",
            image: TEST_IMAGE,
            command: ["sh", "-c"],
            args: ["echo hello-from-init > /work/index.html"],
            resources: { requests: { cpu: 0.5, memory: 64 } },
            volumeMounts: [{ name: "work", mountPath: "/work" }],
          },
        ],
        containers: [
          {
            name: "web",
            image: TEST_IMAGE,
            command: ["httpd", "-f", "-p", "8080", "-h", "/site"],
            resources: { requests: { cpu: 0.2, memory: 32 } },
            ports: [{ containerPort: 8080, protocol: "TCP" }],
            volumeMounts: [{ name: "work", mountPath: "/site" }],
          },
          {
            name: "client",
            image: TEST_IMAGE,
            command: [
              "sh",
              "-c",
              "trap 'exit 0' TERM; while true; do wget -qO- localhost:8080/index.html; sleep 1; done",
            ],
            env: { GREETING: "hi" },
            workDir: "/tmp",
            resources: { requests: { cpu: 0.1, memory: 16 } },
          },
        ],
        volumes: [{ name: "work" }],
      },
    },
  };
}

/** Ways to look at a capsule in the Berth `berthOf` gives (once it has started): through the API, the store and Docker. */
export function capsuleTools(berthOf: () => TestBerth) {
  async function waitForCapsule(id: string, until: (capsule: any) => boolean, token = ALICE, timeoutMs = 50_000) {
    const deadline = Date.now() + timeoutMs;
    let last: any;
    while (Date.now() < deadline) {
      const response = await berthOf().api("GET", `/v1/capsules/${id}`, { token });
      last = response.body;
      if (response.status === 200 && until(last)) return last;
      await sleep(150);
    }
    throw new Error(`capsule ${id} did not reach the expected state; last: ${JSON.stringify(last)}`);
  }

  async function waitForCapsuleGone(uuid: string, timeoutMs = 50_000) {
    const deadline = Date.now() + timeoutMs;
    while (await berthOf().stores.capsules.get(uuid)) {
      if (Date.now() > deadline) throw new Error(`capsule ${uuid} was not deleted within ${timeoutMs} ms`);
      await sleep(150);
    }
  }

  const partsOf = (uuid: string) =>
    berthOf().docker.listContainers({ all: true, filters: { label: [`berth.capsule=${uuid}`] } });
  const volumesOf = async (uuid: string) =>
    (await berthOf().docker.listVolumes({ filters: { label: [`berth.capsule=${uuid}`] } })).Volumes ?? [];
  const hostUsage = async () => {
    const host = (await berthOf().stores.hosts.list())[0]!;
    return { cpu: host.cpu_used_millis, memory: host.mem_used, containers: host.total_containers };
  };
  const quotaInUse = async (token = ALICE) => {
    const project = TOKENS[token as keyof typeof TOKENS].projectId;
    const quota = (await berthOf().api("GET", `/v1/quotas/${project}?usages=true`, { token })).body;
    return { containers: quota.containers.in_use, cpu: quota.cpu.in_use, memory: quota.memory.in_use };
  };
  return { waitForCapsule, waitForCapsuleGone, partsOf, volumesOf, hostUsage, quotaInUse };
}
