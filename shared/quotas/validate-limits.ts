import { BadRequestError, InvalidFieldError } from "../errors.ts";
import { QUOTA_RESOURCES, type QuotaLimits, UNLIMITED } from "./limits.ts";

/** Zun keeps limits in integer columns; anything larger cannot be a limit, and DynamoDB's numbers lose it past 2^53 anyway. */
const MAX_LIMIT = 2_147_483_647;

/** A quota PUT body: some of containers, cpu, memory, disk; each −1 (unlimited) or a non-negative amount. */
export function validateLimits(body: unknown): Partial<QuotaLimits> {
  if (body === undefined) throw new BadRequestError(`Send one or more of ${QUOTA_RESOURCES.join(", ")}.`);
  const input = body as Record<string, unknown>;
  const limits: Partial<QuotaLimits> = {};
  for (const [field, value] of Object.entries(input)) {
    if (!(QUOTA_RESOURCES as readonly string[]).includes(field))
      throw new InvalidFieldError(field, `is not a quota resource (${QUOTA_RESOURCES.join(", ")})`);
    const number = typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    const whole = field !== "cpu";
    if (
      typeof number !== "number" ||
      !Number.isFinite(number) ||
      (whole && !Number.isInteger(number)) ||
      (number < 0 && number !== UNLIMITED)
    ) {
      throw new InvalidFieldError(
        field,
        `must be −1 (unlimited) or a non-negative ${whole ? "whole " : ""}number, got ${JSON.stringify(value)}`,
      );
    }
    if (number > MAX_LIMIT)
      throw new InvalidFieldError(field, `must be at most ${MAX_LIMIT} (or −1, unlimited), got ${number}`);
    limits[field as keyof QuotaLimits] = number;
  }
  if (Object.keys(limits).length === 0) throw new BadRequestError(`Send one or more of ${QUOTA_RESOURCES.join(", ")}.`);
  return limits;
}
