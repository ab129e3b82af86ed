import middy from "@middy/core";
import { readConfig } from "../../shared/config.ts";
import { UnauthorizedError } from "../../shared/errors.ts";
import type { HttpContext, HttpEvent } from "../../shared/http/context.ts";
import { jsonBody } from "../../shared/http/middleware/json-body.ts";
import { zunErrors } from "../../shared/http/middleware/zun-errors.ts";
import { baseUrlOf } from "../../shared/http/request.ts";
import { type HttpResponse, json } from "../../shared/http/responses.ts";
import { passwordLoginFor } from "../../shared/identity/choose-login.ts";
import { passwordCredentialsOf, tokenBody, v3Version } from "../../shared/identity/keystone-v3.ts";

/**
 * A minimal Keystone v3 identity endpoint, so that clients which only log in
 * with a password against an auth URL (the `zun` shell, `openstack`) can use
 * Berth as they use a cloud: `--os-auth-url <api>/identity/v3`. No token needed.
 */
const identityUrlOf = (event: HttpEvent) => `${baseUrlOf(event)}/identity`;

/** GET /identity: the versions on offer (300 Multiple Choices, as Keystone answers). */
export const versions = middy<HttpEvent, HttpResponse, Error, HttpContext>(async (event: HttpEvent) =>
  json(300, { versions: { values: [v3Version(identityUrlOf(event))] } }),
).use(zunErrors({ negotiate: false }));

/** GET /identity/v3: the v3 version document keystoneauth discovers at the auth URL. */
export const v3 = middy<HttpEvent, HttpResponse, Error, HttpContext>(async (event: HttpEvent) =>
  json(200, { version: v3Version(identityUrlOf(event)) }),
).use(zunErrors({ negotiate: false }));

/** POST /identity/v3/auth/tokens: password login, the token in X-Subject-Token, a catalog pointing at Berth. */
export const issueToken = middy<HttpEvent, HttpResponse, Error, HttpContext>(
  async (event: HttpEvent, context: HttpContext) => {
    const config = readConfig();
    const credentials = passwordCredentialsOf(context.body);
    const issued = await passwordLoginFor(config).login(credentials);
    if (!issued) throw new UnauthorizedError("The username or password is not correct.");
    if (credentials.project !== undefined && credentials.project !== issued.identity.projectId) {
      throw new UnauthorizedError(`User ${credentials.username} has no role on project ${credentials.project}.`);
    }
    return json(201, tokenBody(issued, baseUrlOf(event), config.region), { "x-subject-token": issued.token });
  },
)
  .use(zunErrors({ negotiate: false }))
  .use(jsonBody());
