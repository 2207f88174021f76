/**
 * Shapes shared by the sharing of datasets and models (their Collaborator and AccessRequest
 * types have the same fields), from ../api/generated.ts (see ../api/types.ts).
 */
import { enumValues } from '../api/types';
import type { DatasetAccessRequestsQuery, DatasetRole, ModelCollaboratorsQuery, ModelRole } from '../api/generated';

/** The roles DatasetRole and ModelRole share (they have the same values). */
export type Role = DatasetRole & ModelRole;

/** Weakest first. */
export const ROLES = enumValues<Role>({ READ: true, WRITE: true, ADMIN: true });

export type Collaborator = ModelCollaboratorsQuery['model']['collaborators'][number];
export type AccessRequest = DatasetAccessRequestsQuery['dataset']['accessRequests'][number];
