/** Who is calling: the project they act in, who they are, and their roles (`admin`, `project_admin`, `member`: see policy.ts), matched exactly. */
export interface Identity {
  projectId: string;
  userId: string;
  roles: string[];
}

/**
 * Whether a value has an identity's shape. Checked on every caller, so that
 * nothing that merely looks up to a value (an object's inherited member, a
 * half-filled record) passes for an identity.
 */
export function isIdentity(value: unknown): value is Identity {
  if (value === null || typeof value !== "object") return false;
  const { projectId, userId, roles } = value as Record<string, unknown>;
  return isName(projectId) && isName(userId) && Array.isArray(roles) && roles.every(isName);
}

function isName(value: unknown): value is string {
  return typeof value === "string" && value.trim() !== "";
}
