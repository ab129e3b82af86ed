/**
 * Berth's errors: one base class with a stable code and an HTTP status, so every
 * layer can throw meaningfully and the HTTP edge renders them in Zun's format.
 */
export class BerthError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A request field is missing, malformed or out of range. */
export class InvalidFieldError extends BerthError {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super("invalid_field", 400, `Invalid input for field/attribute ${field}: ${reason}`);
  }
}

export class BadRequestError extends BerthError {
  constructor(message: string) {
    super("bad_request", 400, message);
  }
}

export class UnauthorizedError extends BerthError {
  constructor(message = "Authentication required: send a valid token in X-Auth-Token or Authorization: Bearer") {
    super("unauthorized", 401, message);
  }
}

export class ForbiddenError extends BerthError {
  constructor(message: string) {
    super("forbidden", 403, message);
  }
}

export class NotFoundError extends BerthError {
  constructor(message: string) {
    super("not_found", 404, message);
  }
}

export class MethodNotAllowedError extends BerthError {
  constructor(message: string) {
    super("method_not_allowed", 405, message);
  }
}

/** The resource exists but its state does not allow the request. */
export class ConflictError extends BerthError {
  constructor(message: string, code = "conflict") {
    super(code, 409, message);
  }
}

export class ContainerStateConflictError extends ConflictError {
  constructor(action: string, status: string, uuid: string) {
    super(`Cannot ${action} container ${uuid} in ${status} state.`, "invalid_state");
  }
}

export class ContainerBusyError extends ConflictError {
  constructor(uuid: string, taskState: string) {
    super(`Container ${uuid} is busy: task state ${taskState} has not finished.`, "container_busy");
  }
}

export class NameTakenError extends ConflictError {
  constructor(name: string) {
    super(`A container with name ${name} already exists in this project.`, "name_taken");
  }
}

export class NotAcceptableError extends BerthError {
  constructor(message: string) {
    super("not_acceptable", 406, message);
  }
}

/** The container's host cannot answer now. */
export class HostUnavailableError extends ConflictError {
  constructor(host: string, why: string) {
    super(`Host ${host} ${why}.`, "host_unavailable");
  }
}

export class HostTimeoutError extends BerthError {
  constructor(host: string, seconds: number) {
    super("host_timeout", 504, `Host ${host} did not answer within ${seconds} s.`);
  }
}

/** A Zun route or option Berth does not offer (e.g. Neutron networks, interactive sessions). */
export class NotImplementedError extends BerthError {
  constructor(message: string) {
    super("not_implemented", 501, message);
  }
}

export class PayloadTooLargeError extends BerthError {
  constructor(message: string) {
    super("payload_too_large", 413, message);
  }
}

/** The caller's project has used up its requests of this kind for now; `retryAfterSeconds` says when to try again. */
export class TooManyRequestsError extends BerthError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super("too_many_requests", 429, message);
  }
}
