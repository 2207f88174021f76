import type { AccountEventKind } from '../accounts/index.js';
import type { Visibility } from '../access/index.js';

/**
 * What {@link ResourceSharing} needs to know about one kind of shared thing (datasets, models):
 * where its rows, collaborators, stars and access requests live, and what to call it in errors
 * and events. Table and column names come from code, never from input, so they are safe to
 * splice into SQL.
 */
export interface SharedResourceKind {
  /** The word in NOT_FOUND / FORBIDDEN messages: "Dataset", "Model". */
  what: string;
  /** The resource table, with columns id, owner_id, visibility, name and stars. */
  table: string;
  /** (<key>, user_id, role, created_at) */
  collaborators: string;
  /** (<key>, user_id, created_at) */
  stars: string;
  /** (id, <key>, requester_id, message, status, decided_by, decided_at, created_at) */
  accessRequests: string;
  /** The foreign-key column naming the resource in the three tables above: dataset_id, model_id. */
  key: string;
  events: { requested: AccountEventKind; approved: AccountEventKind; denied: AccountEventKind };
}

/** The part of a shared row that access decisions need. */
export interface SharedRow {
  id: string;
  ownerId: string;
  visibility: Visibility;
  name: string;
}
