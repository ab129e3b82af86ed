import type { Dice } from "./dice.ts";

/** Names every JavaScript object answers to: a map that takes them as keys must refuse them, not trip over them. */
export const OBJECT_MEMBER_KEYS = [
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "prototype",
  "__defineGetter__",
  "isPrototypeOf",
];

/** Strings a field may not expect: empty, huge, unicode, control characters, look-alikes of other types. */
const HOSTILE_STRINGS = [
  "",
  " ",
  "a",
  "ab",
  "\u0000",
  "\n\t\r",
  "ünïcødé-名前-🚀",
  "\uD800",
  "\u202Eevil",
  "../../etc/passwd",
  "%00",
  "%2F",
  "null",
  "None",
  "true",
  "NaN",
  "Infinity",
  "-1",
  "0",
  "1e309",
  "0x10",
  "1.5",
  "512M",
  "9999999999999999999999",
  "{}",
  "[]",
  "<script>alert(1)</script>",
  "'; DROP TABLE containers; --",
  "${jndi:ldap://x}",
  "$(reboot)",
  "__proto__",
  "constructor",
];

const HOSTILE_NUMBERS = [
  0,
  -1,
  -0.5,
  0.05,
  0.1,
  1,
  1.5,
  Math.PI,
  16,
  16.01,
  4096,
  8193,
  2 ** 31,
  2 ** 53 + 1,
  -(2 ** 63),
  1e308,
  Number.MIN_VALUE,
];

/** A string a field would not expect; sometimes very long. */
export function hostileString(roll: Dice): string {
  if (roll.chance(0.12))
    return roll.pick(["x", "é", "名", "🚀", "%", "/"]).repeat(roll.pick([256, 1024, 4096, 70_000]));
  return roll.pick(HOSTILE_STRINGS);
}

/** A JSON value of any type that is wrong, or odd, for most fields. */
export function hostileValue(roll: Dice, depth = 0): unknown {
  switch (roll.int(0, 9)) {
    case 0:
      return null;
    case 1:
      return roll.chance(0.5);
    case 2:
    case 3:
      return roll.pick(HOSTILE_NUMBERS);
    case 4:
    case 5:
      return hostileString(roll);
    case 6:
      return depth > 2 ? [] : Array.from({ length: roll.int(0, 3) }, () => hostileValue(roll, depth + 1));
    case 7:
      return depth > 2 ? {} : hostileMap(roll, depth + 1);
    case 8:
      return deeplyNested(roll.int(5, 60));
    default:
      return roll.pick([{}, [], [[]], [null], { "": "" }, ["sh", 1]]);
  }
}

/** An object whose keys are what a map may not hold: object members, empty, long, unicode; or very many of them. */
export function hostileMap(roll: Dice, depth = 0): Record<string, unknown> {
  const map: Record<string, unknown> = {};
  if (roll.chance(0.15)) {
    for (let index = 0; index < roll.pick([100, 1000, 5000]); index++) map[`K${index}`] = "v".repeat(roll.int(0, 40));
    return map;
  }
  for (let index = roll.int(0, 4); index > 0; index--) {
    const key = roll.pick([
      () => roll.pick(OBJECT_MEMBER_KEYS),
      () => hostileString(roll),
      () => "A=B",
      () => `k${index}`,
    ])();
    const value = roll.chance(0.6) ? roll.pick(["v", "", "ünï", "x".repeat(300)]) : hostileValue(roll, depth + 1);
    // A plain assignment to __proto__ would set the prototype, not add the key the wire should carry.
    Object.defineProperty(map, key, { value, enumerable: true, configurable: true, writable: true });
  }
  return map;
}

function deeplyNested(levels: number): unknown {
  let value: unknown = "bottom";
  for (let level = 0; level < levels; level++) value = level % 2 ? [value] : { a: value };
  return value;
}

/** A query parameter value: plausible, odd, or hostile. */
export function hostileParameter(roll: Dice, plausible: readonly string[]): string {
  return roll.chance(0.7) ? roll.pick(plausible) : hostileString(roll);
}
