import { InvalidFieldError } from "../errors.ts";

/** Small field checks shared by request validators; each throws a 400 naming the field. */
type Input = Record<string, unknown>;

export function stringOfLength(input: Input, field: string, min: number, max: number, label = field): string {
  const value = input[field];
  if (typeof value !== "string") throw new InvalidFieldError(label, `must be a string, got ${describe(value)}`);
  if (value.length < min || value.length > max)
    throw new InvalidFieldError(label, `length must be ${min}–${max}, got ${value.length}`);
  return value;
}

export function matches(_input: Input, field: string, value: string, pattern: RegExp): string {
  if (!pattern.test(value)) throw new InvalidFieldError(field, `'${value}' does not match ${pattern.source}`);
  return value;
}

export function oneOf<const T extends readonly string[]>(
  input: Input,
  field: string,
  allowed: T,
  label = field,
): T[number] {
  const value = input[field];
  if (typeof value !== "string" || !allowed.includes(value)) {
    throw new InvalidFieldError(label, `must be one of ${allowed.join(", ")}, got ${describe(value)}`);
  }
  return value as T[number];
}

export function booleanField(input: Input, field: string): boolean | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "True") return true;
  if (value === "false" || value === "False") return false;
  throw new InvalidFieldError(field, `must be a boolean, got ${describe(value)}`);
}

/** A number or a numeric string within [min, max]; undefined when absent. */
export function numberInRange(input: Input, field: string, min: number, max: number): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  const number =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^\s*\d+(\.\d+)?\s*$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isFinite(number)) throw new InvalidFieldError(field, `must be a number, got ${describe(value)}`);
  if (number < min || number > max)
    throw new InvalidFieldError(field, `must be between ${min} and ${max}, got ${number}`);
  return number;
}

export function integerInRange(
  input: Input,
  field: string,
  min: number,
  max: number,
  options: { allowDigitString?: boolean; label?: string } = {},
): number | undefined {
  const label = options.label ?? field;
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  let number = NaN;
  if (typeof value === "number") number = value;
  else if (options.allowDigitString && typeof value === "string" && /^\d+$/.test(value)) number = Number(value);
  if (!Number.isInteger(number)) throw new InvalidFieldError(label, `must be a whole number, got ${describe(value)}`);
  if (number < min || number > max)
    throw new InvalidFieldError(label, `must be between ${min} and ${max}, got ${number}`);
  return number;
}

export function listOfStrings(input: Input, field: string): string[] | null {
  const value = input[field];
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
    throw new InvalidFieldError(field, `must be a list of strings, got ${describe(value)}`);
  }
  return value as string[];
}

const MAX_MAP_KEY = 255;

/**
 * An object of strings, its keys real names: not empty, at most 255
 * characters, and never a member every object has (`__proto__`,
 * `constructor`, `toString`…), which code reading the map would mistake
 * for an entry. `keyRule` adds the field's own rule (e.g. no `=` in an
 * environment variable's name).
 */
export function stringMap(
  input: Input,
  field: string,
  keyRule?: { pattern: RegExp; says: string },
): Record<string, string> {
  const value = input[field];
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value))
    throw new InvalidFieldError(field, `must be an object of strings, got ${describe(value)}`);
  const map: Record<string, string> = Object.create(null);
  for (const [key, item] of Object.entries(value)) {
    if (key === "" || key.length > MAX_MAP_KEY)
      throw new InvalidFieldError(field, `keys must be 1–${MAX_MAP_KEY} characters, got ${describe(key)}`);
    if (key === "__proto__" || Object.hasOwn(Object.prototype, key))
      throw new InvalidFieldError(field, `${describe(key)} is not allowed as a key`);
    if (keyRule && !keyRule.pattern.test(key)) throw new InvalidFieldError(field, `${describe(key)} ${keyRule.says}`);
    if (typeof item !== "string")
      throw new InvalidFieldError(`${field}.${key}`, `must be a string, got ${describe(item)}`);
    map[key] = item;
  }
  return { ...map };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

const MEMORY_UNITS: Record<string, number> = { b: 1 / (1024 * 1024), k: 1 / 1024, m: 1, g: 1024 };

/** Memory in MiB: a number, or digits with an optional unit b/k/m/g (python-zunclient passes "512M" through). */
export function memoryInRange(input: Input, field: string, min: number, max: number): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  let mib = NaN;
  if (typeof value === "number") mib = value;
  else if (typeof value === "string") {
    const match = /^(\d+)([bkmgBKMG]?)$/.exec(value.trim());
    if (match) mib = Number(match[1]) * MEMORY_UNITS[(match[2] || "m").toLowerCase()]!;
  }
  if (!Number.isInteger(mib))
    throw new InvalidFieldError(
      field,
      `must be a whole number of MiB (optionally with a unit b, k, m or g), got ${describe(value)}`,
    );
  if (mib < min || mib > max) throw new InvalidFieldError(field, `must be between ${min} and ${max} MiB, got ${mib}`);
  return mib;
}
