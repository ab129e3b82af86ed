/** "SET #u0 = :u0, …" for a set of field changes, with its names and values (undefined stored as null). */
export function updateExpression(changes: Record<string, unknown>): { expression: string; names: Record<string, string>; values: Record<string, unknown> } {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = Object.entries(changes).map(([field, value], index) => {
    names[`#u${index}`] = field;
    values[`:u${index}`] = value ?? null;
    return `#u${index} = :u${index}`;
  });
  return { expression: `SET ${sets.join(", ")}`, names, values };
}
