/**
 * The parts of an update that sets counters to `expected` only if they still
 * read `observed` (a counter never written reads 0): how the accounting audit
 * corrects a host's or a project's usage without overwriting a claim that
 * landed since it looked. `attributes` maps each counter to its attribute.
 */
export function counterCorrection<Field extends string>(
  attributes: Record<Field, string>,
  observed: Record<Field, number>,
  expected: Record<Field, number>,
): { set: string; condition: string; values: Record<string, number> } {
  const fields = Object.entries(attributes) as Array<[Field, string]>;
  return {
    set: fields.map(([field, attribute]) => `${attribute} = :expected_${field}`).join(", "),
    condition: fields
      .map(
        ([field, attribute]) =>
          `(${attribute} = :observed_${field}${observed[field] === 0 ? ` OR attribute_not_exists(${attribute})` : ""})`,
      )
      .join(" AND "),
    values: Object.fromEntries(
      fields.flatMap(([field]) => [
        [`:expected_${field}`, expected[field]],
        [`:observed_${field}`, observed[field]],
      ]),
    ),
  };
}
