/** Shapes shared by the sharing of datasets and models (their Collaborator and AccessRequest types have the same fields). */

/** DatasetRole and ModelRole, weakest first. */
export const ROLES = ['READ', 'WRITE', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

export interface Collaborator {
  user: { id: string; username: string; displayName: string };
  role: Role;
  createdAt: string;
}

export interface AccessRequest {
  id: string;
  message: string;
  createdAt: string;
  requester: { id: string; username: string; displayName: string };
}
