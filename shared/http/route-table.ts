/**
 * Every route serverless.yml declares, as "METHOD /path". The catch-all
 * function uses it to tell a wrong method (405) from an unknown path (404);
 * a test keeps it equal to serverless.yml.
 */
export const ROUTES = [
  "GET /",
  "GET /v1",
  "GET /identity",
  "GET /identity/v3",
  "POST /identity/v3/auth/tokens",
  "POST /v1/containers",
  "GET /v1/containers",
  "GET /v1/containers/{id}",
  "PATCH /v1/containers/{id}",
  "DELETE /v1/containers/{id}",
  "POST /v1/containers/{id}/{action}",
  "GET /v1/containers/{id}/{query}",
  "GET /v1/containers/{id}/container_actions",
  "GET /v1/containers/{id}/container_actions/{request_id}",
  "GET /v1/volumes",
  "GET /v1/volumes/{id}",
  "DELETE /v1/volumes/{id}",
  "POST /v1/capsules",
  "GET /v1/capsules",
  "GET /v1/capsules/{id}",
  "DELETE /v1/capsules/{id}",
  "POST /v1/registries",
  "GET /v1/registries",
  "GET /v1/registries/{id}",
  "PATCH /v1/registries/{id}",
  "DELETE /v1/registries/{id}",
  "POST /v1/server_groups",
  "GET /v1/server_groups",
  "GET /v1/server_groups/{id}",
  "DELETE /v1/server_groups/{id}",
  "POST /v1/images",
  "GET /v1/images",
  "GET /v1/images/{id}",
  "DELETE /v1/images/{id}",
  "GET /v1/images/{image}/search",
  "GET /v1/hosts",
  "GET /v1/hosts/{id}",
  "GET /v1/services",
  "PUT /v1/services/{action}",
  "DELETE /v1/services",
  "GET /v1/availability_zones",
  "GET /v1/quotas/{project_id}",
  "PUT /v1/quotas/{project_id}",
  "DELETE /v1/quotas/{project_id}",
  "GET /v1/quotas/{project_id}/defaults",
  "GET /v1/quota_classes/{name}",
  "PUT /v1/quota_classes/{name}",
] as const;

/** The methods the declared routes accept for a path, empty when no route has it. */
export function methodsFor(path: string): string[] {
  const segments = path.split("/").slice(1);
  return ROUTES.filter((route) => {
    const pattern = route.split(" ")[1]!.split("/").slice(1);
    return (
      pattern.length === segments.length &&
      pattern.every((part, index) => part.startsWith("{") || part === segments[index])
    );
  }).map((route) => route.split(" ")[0]!);
}
