/**
 * "SET #u0 = :u0, … [REMOVE #r0, …]" for a set of field changes and fields to
 * drop, with its names and values (undefined stored as null).
 */
export function updateExpression(
  changes: Record<string, unknown>,
  remove: readonly string[] = [],
): { expression: string; names: Record<string, string>; values: Record<string, unknown> } {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = Object.entries(changes).map(([field, value], index) => {
    names[`#u${index}`] = field;
    values[`:u${index}`] = value ?? null;
    return `#u${index} = :u${index}`;
  });
  const removals = remove
    .filter((field) => !(field in changes))
    .map((field, index) => {
      names[`#r${index}`] = field;
      return `#r${index}`;
    });
  return {
    expression: `SET ${sets.join(", ")}${removals.length > 0 ? ` REMOVE ${removals.join(", ")}` : ""}`,
    names,
    values,
  };
}
