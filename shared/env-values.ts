/** Reading one number from the environment: a fallback when unset, a named error when not a positive number. */
export function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`configuration: ${name} must be a positive number, got ${raw}`);
  return value;
}
