import { ADMIN_TOKEN, MEMBER_TOKEN } from "../berth.ts";
import type { Dice } from "./dice.ts";
import { hostileParameter, hostileString } from "./hostile-values.ts";

/** One generated request, labelled by the route it aims at so results can be counted per route. */
export interface FuzzRequest {
  route: string;
  method: string;
  path: string;
  query?: Array<[string, string]>;
  headers: Record<string, string>;
  body?: string;
  /** The name a create body gives its container: if the create is refused, no container may have it. */
  createsName?: string;
}

export interface FuzzResponse {
  status: number;
  body: any;
  text: string;
}

/** Mostly the dev admin or member, sometimes no token or one that is not valid. */
export function credentials(roll: Dice): Record<string, string> {
  const headers: Record<string, string> = { "openstack-api-version": "container 1.40" };
  const which = roll.next();
  if (which < 0.5) headers["x-auth-token"] = ADMIN_TOKEN;
  else if (which < 0.88) headers["x-auth-token"] = MEMBER_TOKEN;
  else if (which < 0.92) return headers;
  else if (which < 0.96)
    headers["x-auth-token"] = roll.pick(["bogus", " ", "berth-dev-admin ", "x".repeat(4000), "a.b.c"]);
  else
    headers.authorization = roll.pick([
      "Bearer a.b.c",
      "Bearer ",
      "Basic YTpi",
      "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
    ]);
  if (roll.chance(0.04))
    headers["openstack-api-version"] = roll.pick([
      "container 1.19",
      "container 1.41",
      "container 2.0",
      "container latest",
      "garbage",
      "",
    ]);
  return headers;
}

/** A JSON body, or now and then something that is not one: not JSON, empty, another type, another content type. */
export function withBody(
  roll: Dice,
  headers: Record<string, string>,
  body: unknown,
): { headers: Record<string, string>; body?: string } {
  const contentType = roll.chance(0.9)
    ? "application/json"
    : roll.pick([
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json; charset=utf-16",
        "",
      ]);
  const sent = { ...headers, "content-type": contentType };
  if (roll.chance(0.88)) return { headers: sent, body: JSON.stringify(body) };
  const raw = roll.pick([
    "",
    "not json",
    "{",
    '{"a":',
    "[1,2]",
    "null",
    '"a string"',
    "42",
    "true",
    "\u0000\u0001",
    "{'single': 'quotes'}",
    "a=b&c=d",
    '{"image": "x",}',
    "\uFEFF{}",
  ]);
  return { headers: sent, body: raw };
}

/** A path segment naming something: a real one, or one that is odd (encoded, unicode, long, dots, a uuid of nothing). */
export function pathSegment(roll: Dice, real: readonly string[]): string {
  if (real.length > 0 && roll.chance(0.7)) return encodedSegment(roll.pick(real));
  return roll.pick([
    () => encodedSegment(hostileString(roll).slice(0, 600)),
    () => "%zz",
    () => "%25",
    () => "%2F",
    () => "%00",
    () => "%C0%AF",
    () => "%E2%80%AE",
    () => "%F0%9F%9A%80",
    () => "a".repeat(roll.pick([255, 1200, 3000])),
    () => "00000000-0000-0000-0000-000000000000",
    () => "FFFFFFFF-FFFF-4FFF-8FFF-FFFFFFFFFFFF",
    () => "..%2F..",
    () => "~!$&'()*+,;=:@",
  ])();
}

/** A string as a path segment: a URL cannot carry a lone surrogate, so one becomes U+FFFD, as URLSearchParams does. */
export function encodedSegment(value: string): string {
  return encodeURIComponent(
    value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD"),
  );
}

/** Query parameters from a route's own names (valued plausibly or not) and now and then one it does not know. */
export function parameters(roll: Dice, known: Record<string, readonly string[]>): Array<[string, string]> {
  const query: Array<[string, string]> = [];
  for (const [name, plausible] of Object.entries(known))
    if (roll.chance(0.4)) query.push([name, withinUrlLimit(hostileParameter(roll, plausible))]);
  if (roll.chance(0.08))
    query.push([roll.pick(["unknown", "__proto__", "constructor", "a[b]", "", "ü"]), roll.pick(["1", "", "x"])]);
  if (roll.chance(0.04) && query.length > 0) query.push(query[0]!);
  return query;
}

/**
 * A query value short enough that the whole request line stays under Node's
 * (and API Gateway's) header limit: past it the server answers 431 before any
 * Berth code runs, which says nothing about Berth.
 */
function withinUrlLimit(value: string): string {
  let kept = value.slice(0, 1000);
  while (encodeURIComponent(encodedSegment(kept)).length > 1500) kept = kept.slice(0, Math.floor(kept.length / 2));
  return kept;
}

export function urlOf(base: string, request: FuzzRequest): string {
  const search = request.query && request.query.length > 0 ? `?${new URLSearchParams(request.query).toString()}` : "";
  return `${base}${request.path}${search}`;
}

export async function send(base: string, request: FuzzRequest): Promise<FuzzResponse> {
  const response = await fetch(urlOf(base, request), {
    method: request.method,
    headers: request.headers,
    body: request.body,
    redirect: "manual",
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: kept as text, which the checks report
  }
  return { status: response.status, body, text };
}
