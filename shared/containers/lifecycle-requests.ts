import { InvalidFieldError } from "../errors.ts";
import { assertImageUsableBy } from "../images/committed-images.ts";
import type { ContainerRecord } from "../model/container.ts";
import { Status } from "../model/container-status.ts";
import { allowedStatuses, recordWhile } from "../model/lifecycle.ts";
import type { ContainerRequest } from "./submit-request.ts";
import { defaultPullPolicy, IMAGE_PATTERN } from "./validate-create.ts";

/** What a lifecycle request may say besides its action, already read from wherever it came (the HTTP layer reads the query). */
export interface LifecycleOptions {
  /** stop, reboot: seconds to wait before killing. */
  timeout?: number;
  /** kill: a signal name or number. */
  signal?: string;
  /** rebuild: another image, and its driver. */
  image?: string;
  image_driver?: string;
}

export type LifecycleAction = "start" | "stop" | "reboot" | "pause" | "unpause" | "kill" | "rebuild";

/** The lifecycle actions a host carries out, each described from its options: what the record shows meanwhile, and the host's message. */
export const LIFECYCLE_REQUESTS: Record<
  LifecycleAction,
  (options: LifecycleOptions, record: ContainerRecord) => ContainerRequest
> = {
  start: () => ({
    action: "start",
    allowedIn: allowedStatuses("start"),
    changes: { ...recordWhile("start"), status_reason: null },
    message: { kind: "start" },
  }),
  stop: (options) => ({
    action: "stop",
    allowedIn: allowedStatuses("stop"),
    changes: recordWhile("stop"),
    message: { kind: "stop", timeout: options.timeout ?? 10 },
  }),
  reboot: (options) => ({
    action: "reboot",
    allowedIn: allowedStatuses("reboot"),
    changes: { ...recordWhile("reboot"), status_reason: null },
    message: { kind: "reboot", timeout: options.timeout ?? 10 },
  }),
  pause: () => ({
    action: "pause",
    allowedIn: allowedStatuses("pause"),
    changes: recordWhile("pause"),
    message: { kind: "pause" },
  }),
  unpause: () => ({
    action: "unpause",
    allowedIn: allowedStatuses("unpause"),
    changes: recordWhile("unpause"),
    message: { kind: "unpause" },
  }),
  kill: (options) => ({
    action: "kill",
    allowedIn: allowedStatuses("kill"),
    changes: recordWhile("kill"),
    message: { kind: "kill", signal: signalOf(options.signal) },
  }),
  rebuild: (options, record) => {
    const image = options.image;
    if (image !== undefined && (image.length < 2 || image.length > 255 || !IMAGE_PATTERN.test(image))) {
      throw new InvalidFieldError("image", `'${image}' is not an image reference`);
    }
    if (image !== undefined) assertImageUsableBy(image, record.project_id);
    const driver = options.image_driver;
    if (driver !== undefined && driver !== "docker") throw new InvalidFieldError("image_driver", "must be docker");
    const changes: Partial<ContainerRecord> = {
      ...recordWhile("rebuild"),
      status_reason: null,
    };
    if (image && image !== record.image) Object.assign(changes, { image, image_pull_policy: defaultPullPolicy(image) });
    return {
      action: "rebuild",
      allowedIn: allowedStatuses("rebuild"),
      changes,
      message: { kind: "rebuild", run: record.status === Status.Running },
    };
  },
};

/** Linux's signals: Docker refuses any other name, and the refusal used to turn a running container into Error. */
const SIGNAL_NAMES = new Set(
  "HUP INT QUIT ILL TRAP ABRT IOT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM STKFLT CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO POLL PWR SYS RTMIN RTMAX".split(
    " ",
  ),
);

function signalOf(value: string | undefined): string {
  if (value === undefined) return "SIGKILL";
  const signal = value.toUpperCase();
  if (/^\d{1,2}$/.test(signal) && Number(signal) >= 1 && Number(signal) <= 64) return signal;
  const name = signal.startsWith("SIG") ? signal.slice(3) : signal;
  const realtime = /^RTMIN\+([1-9]|1[0-5])$|^RTMAX-([1-9]|1[0-4])$/.test(name);
  if (!SIGNAL_NAMES.has(name) && !realtime)
    throw new InvalidFieldError("signal", `'${value}' is not a signal name or number`);
  return `SIG${name}`;
}
