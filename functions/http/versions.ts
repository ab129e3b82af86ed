import middy from "@middy/core";
import type { HttpContext, HttpEvent } from "../../shared/http/context.ts";
import { formatVersion, MAX_API_VERSION, MIN_API_VERSION } from "../../shared/http/microversion.ts";
import { zunErrors } from "../../shared/http/middleware/zun-errors.ts";
import { baseUrlOf } from "../../shared/http/request.ts";
import { type HttpResponse, json } from "../../shared/http/responses.ts";

function v1Version(base: string) {
  return {
    id: "v1",
    status: "CURRENT",
    min_version: formatVersion(MIN_API_VERSION),
    max_version: formatVersion(MAX_API_VERSION),
    links: [{ href: `${base}/v1/`, rel: "self" }],
  };
}

/** GET /: version discovery, as python-zunclient's `versions.get_current()` reads it. No token needed. */
export const root = middy<HttpEvent, HttpResponse, Error, HttpContext>(async (event: HttpEvent) => {
  const base = baseUrlOf(event);
  return json(200, {
    name: "Berth",
    description: "A serverless container service compatible with OpenStack Zun's v1 API.",
    versions: [v1Version(base)],
    default_version: v1Version(base),
  });
}).use(zunErrors({ negotiate: false }));

/** GET /v1: the v1 API's entry points. */
export const v1 = middy<HttpEvent, HttpResponse, Error, HttpContext>(async (event: HttpEvent) => {
  const base = baseUrlOf(event);
  return json(200, {
    ...v1Version(base),
    media_types: [{ base: "application/json", type: "application/vnd.openstack.zun.v1+json" }],
    containers: [{ href: `${base}/v1/containers/`, rel: "self" }],
  });
}).use(zunErrors({ negotiate: false }));
