import { randomBytes } from "node:crypto";
import { PassThrough, type Writable } from "node:stream";
import type {
  DockerInfo,
  ImageInspection,
  ImageSummary,
  VolumeCreateSpec,
  VolumeSummary,
} from "../../agents/host-agent/docker/docker-port.ts";
import { hasLabels, notFound } from "./fake-container.ts";

/** The fake engine's images and volumes, and its log of calls: what FakeDocker holds besides containers, networks and execs. */
export class FakeDockerResources {
  readonly images = new Map<string, ImageInspection>();
  readonly volumes = new Map<string, VolumeCreateSpec>();
  /** Every call, e.g. `start berth-x` (by the container's name), so a test can say what was, and was not, done. */
  readonly calls: string[] = [];

  addImage(reference: string): void {
    this.images.set(reference, {
      Id: `sha256:${randomBytes(8).toString("hex")}`,
      Size: 1024,
      Os: "linux",
      Architecture: "amd64",
      Config: { Labels: {} },
    });
  }

  async info(): Promise<DockerInfo> {
    return { ID: "fake", Name: "fake-docker", NCPU: 4, MemTotal: 8 * 1024 ** 3, OSType: "linux", Runtimes: {} };
  }

  async hasImage(reference: string): Promise<boolean> {
    return this.images.has(reference);
  }

  async pullImage(reference: string): Promise<void> {
    this.calls.push(`pull ${reference}`);
    if (!this.images.has(reference)) this.addImage(reference);
  }

  async inspectImage(reference: string): Promise<ImageInspection> {
    const image = this.images.get(reference);
    if (!image) throw notFound(`inspect image ${reference}`);
    return image;
  }

  async removeImage(reference: string): Promise<void> {
    if (!this.images.delete(reference)) throw notFound(`remove image ${reference}`);
  }

  async listImages(): Promise<ImageSummary[]> {
    return [...this.images].map(([reference, image]) => ({ Id: image.Id, RepoTags: [reference], Size: 1024 }));
  }

  demultiplex(stream: NodeJS.ReadableStream, stdout: Writable): void {
    stream.pipe(stdout);
  }

  async createVolume(spec: VolumeCreateSpec): Promise<void> {
    this.volumes.set(spec.Name, spec);
  }

  async hasVolume(name: string): Promise<boolean> {
    return this.volumes.has(name);
  }

  async listVolumes(labels: string[]): Promise<VolumeSummary[]> {
    return [...this.volumes.values()]
      .filter((volume) => hasLabels(volume.Labels, labels))
      .map((volume) => ({ Name: volume.Name, Labels: { ...volume.Labels } }));
  }

  async removeVolume(name: string): Promise<void> {
    if (!this.volumes.delete(name)) throw notFound(`remove volume ${name}`, `get ${name}: no such volume`);
  }

  async events(): Promise<NodeJS.ReadableStream> {
    return new PassThrough();
  }
}
