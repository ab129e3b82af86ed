import { log } from "../../shared/log.ts";
import { onHostMessage } from "../../shared/queue/host-messages.ts";
import { rescheduleBuild } from "../../shared/scheduling/reschedule-build.ts";
import { sqsClientFor } from "../../shared/store/clients.ts";
import { storesFor } from "../../shared/store/stores.ts";
import { QueryAnswerer } from "./answer-queries.ts";
import { CapsuleStatusFollower } from "./capsule-status.ts";
import { doCapsuleWork } from "./capsule-work.ts";
import { readAgentConfig } from "./config.ts";
import { DockerodePort } from "./docker/dockerode-port.ts";
import { DockerEventFollower } from "./docker-events.ts";
import { Engine } from "./engine.ts";
import { applyHostFirewall, HostFirewallUnavailableError, keepHostIsolation } from "./firewall/host-firewall.ts";
import { healerFor } from "./heal-container.ts";
import { Heartbeat } from "./heartbeat.ts";
import { HeldMessages, heldMessagesFile, readHeldMessages, returnHeldMessages } from "./held-messages.ts";
import { hostIdentity } from "./host-identity.ts";
import { HostPortAllocator } from "./host-ports.ts";
import { doImageWork } from "./image-work.ts";
import { PeriodicSync, syncHost } from "./periodic-sync.ts";
import { Poller } from "./poller.ts";
import { PrivateImages, privateImagesFile } from "./private-images.ts";
import { registerHost } from "./register-host.ts";
import { deniedNetworks } from "./registry-guard.ts";
import { reportImages } from "./report-images.ts";
import { SessionBridges } from "./sessions/bridge-session.ts";
import { lockStateDir, StateDirHeldError } from "./state-dir-lock.ts";
import { removeVolumeIfDeleted } from "./sweep-volumes.ts";

/**
 * The host agent: registers this Docker host, heartbeats, and carries out the
 * work on its queue until SIGTERM, when it finishes what is in flight and exits.
 */
export async function startAgent(env: NodeJS.ProcessEnv = process.env) {
  const config = readAgentConfig(env);
  const lock = lockStateDir(config.stateDir);
  // Before any container of this host is started or recovered, and before the host takes work.
  const firewall = await applyHostFirewall(config.hostFirewall, config.hostFirewallAllowedPorts).catch(
    (error: unknown) => {
      lock.release();
      throw error;
    },
  );
  const docker = new DockerodePort(config.dockerSocket, deniedNetworks(config.deniedRegistryNetworks));
  const stores = storesFor(config);
  const sqs = sqsClientFor(config);
  const hostId = await hostIdentity(config, docker, stores.hosts);
  const host = await registerHost(config, hostId, docker, stores.hosts, sqs);
  const heartbeat = new Heartbeat(stores.hosts, host.id, config.heartbeatSeconds, () =>
    registerHost(config, hostId, docker, stores.hosts, sqs),
  );
  const ports = new HostPortAllocator(docker, stores, host.id, config.hostPortRange);
  const privateImages = new PrivateImages(privateImagesFile(config.stateDir));
  const engine = new Engine(
    {
      docker,
      stores,
      ports,
      deployment: config.tableName,
      secrets: config,
      privateImages,
      reschedule: (record, failure) => rescheduleBuild(record, host, failure, { stores, sqs, config }),
    },
    host.id,
  );
  const answerer = new QueryAnswerer(docker, stores, host.id);
  const capsuleStatuses = new CapsuleStatusFollower(docker, stores, host.id);
  const sessions = new SessionBridges(docker, stores, host.id);
  const heldFile = heldMessagesFile(config.stateDir);
  const previouslyHeld = await readHeldMessages(heldFile, host.queue_url);
  const held = new HeldMessages(heldFile, host.queue_url);
  await held.persist();
  const poller = new Poller(
    sqs,
    {
      queueUrl: host.queue_url,
      maxReceiveCount: config.maxReceiveCount,
      waitSeconds: config.pollWaitSeconds,
      visibilitySeconds: config.visibilitySeconds,
      concurrency: config.concurrency,
      queryConcurrency: config.queryConcurrency,
    },
    (message, isLastDelivery) =>
      onHostMessage(message, {
        container: (work) => engine.handle(work, isLastDelivery),
        query: (query) => answerer.answer(query),
        session: (opening) => sessions.open(opening),
        volume: (removal) => removeVolumeIfDeleted(removal.volume_uuid, docker, stores),
        image: (work) => doImageWork(work, docker, stores, host.id, config, privateImages),
        capsule: (work) =>
          doCapsuleWork(work, {
            docker,
            stores,
            hostId: host.id,
            deployment: config.tableName,
            sandbox: { image: config.sandboxImage, command: config.sandboxCommand },
            initTimeoutMs: config.operationTimeoutSeconds * 1000,
          }).then(() => void capsuleStatuses.follow(work.capsule_uuid)),
      }),
    held,
  );
  const heal = healerFor(host.id, stores, sqs);
  const reportTheImages = () =>
    reportImages(host.id, docker, stores).catch((error) =>
      log("warn", "could not record the host's images", { error }),
    );
  await syncHost(host.id, docker, stores, heal, { restartWanted: true, deployment: config.tableName });
  await reportTheImages();
  const syncAll = async () => {
    await syncHost(host.id, docker, stores, heal, { restartWanted: false, deployment: config.tableName });
    await reportTheImages();
  };
  const events = new DockerEventFollower(
    host.id,
    docker,
    stores,
    config.tableName,
    heal,
    engine,
    syncAll,
    capsuleStatuses,
  );
  const periodicSync = new PeriodicSync(syncAll, config.syncSeconds);
  const firewallKept =
    firewall === "installed"
      ? new PeriodicSync(() => keepHostIsolation(config.hostFirewallAllowedPorts), config.syncSeconds)
      : undefined;
  heartbeat.start();
  events.start();
  periodicSync.start();
  firewallKept?.start();
  poller.start();
  // A previous run's long poll ends at most pollWaitSeconds after it died, which was before this process began.
  const longPollsEnded = Math.max(0, (config.pollWaitSeconds + 1) * 1000 - process.uptime() * 1000);
  const returning = setTimeout(() => void returnHeldMessages(previouslyHeld, host.queue_url, sqs), longPollsEnded);
  log("info", "host agent started", {
    host_id: host.id,
    hostname: host.hostname,
    cpus: host.cpus,
    mem_total: host.mem_total,
    queue_url: host.queue_url,
  });
  return {
    host,
    async stop() {
      clearTimeout(returning);
      sessions.closeAll();
      await poller.stop();
      await held.flushed();
      periodicSync.stop();
      firewallKept?.stop();
      events.stop();
      heartbeat.stop();
      lock.release();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const agent = await startAgent().catch((error: unknown) => {
    log("error", "the host agent could not start", {
      error:
        error instanceof StateDirHeldError || error instanceof HostFirewallUnavailableError ? error.message : error,
    });
    process.exit(1);
  });
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      log("info", `${signal}: finishing work in flight`);
      void agent.stop().then(() => process.exit(0));
    });
  }
}
