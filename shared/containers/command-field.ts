import { InvalidFieldError } from "../errors.ts";
import { type ApiVersion, atLeast } from "../http/microversion.ts";
import { listOfStrings } from "./field-rules.ts";
import { splitCommand } from "./split-command.ts";

/**
 * A create's `command`: from 1.20 a list of strings; before 1.20 one command
 * line, split as Zun splits it (shlex), since that is what legacy clients send.
 */
export function commandField(input: Record<string, unknown>, version: ApiVersion): string[] | null {
  if (atLeast(version, 1, 20)) return listOfStrings(input, "command");
  const value = input.command;
  if (value === undefined || value === null) return null;
  if (typeof value !== "string")
    throw new InvalidFieldError(
      "command",
      `must be a string before API 1.20, got ${Array.isArray(value) ? "a list" : typeof value}`,
    );
  return splitCommand(value);
}
