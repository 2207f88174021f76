/**
 * The read part of the access rule (permission.ts) as one SQL condition, for every list, search,
 * count and fan-out: a row of `table` is readable by the viewer when
 *
 *   the viewer is a platform admin
 *   OR it is public (`listed`) / not private (`readable`)
 *   OR the viewer owns it
 *   OR the viewer is a member (any role) of the organization that owns it
 *   OR the viewer is one of its collaborators (any role).
 *
 * `listed` is for lists and searches: unlisted things are found by their name, not listed to
 * people without a role. Table and column names come from code, never from input; the viewer is
 * SQL (a parameter such as `:me` or `$2`, or a column such as `s.user_id` in a fan-out).
 */

export interface AccessTable {
  /** The SQL alias of the table in the statement. */
  alias: string;
  /** The owner column (a user id or an organization id). Default `owner_id`. */
  owner?: string;
  /** The visibility column; null for rows only those with a role read (jobs). Default `visibility`. */
  visibility?: string | null;
  /** The column naming the organization whose members read the row, when not the owner (jobs: `organization_id`). */
  organization?: string;
  /** The collaborators table and its column naming the row, when the kind has collaborators. */
  collaborators?: { table: string; key: string };
}

export interface ViewerSql {
  /** SQL for the viewer's user id; null for an anonymous visitor. */
  user: string | null;
  /** SQL boolean: the viewer is a platform admin. Default false. */
  isAdmin?: string | boolean;
}

export type ReadMode = 'readable' | 'listed';

/** SQL true for the rows of `table` the viewer may read (`readable`) or is listed (`listed`). */
export function readableSql(table: AccessTable, viewer: ViewerSql, mode: ReadMode = 'readable'): string {
  const a = table.alias;
  const isAdmin = viewer.isAdmin === undefined ? false : viewer.isAdmin;
  if (isAdmin === true || isAdmin === 'true') return 'true';
  const arms: string[] = [];
  if (isAdmin !== false && isAdmin !== 'false') arms.push(isAdmin);
  const visibility = table.visibility === undefined ? 'visibility' : table.visibility;
  if (visibility) arms.push(mode === 'listed' ? `${a}.${visibility} = 'public'` : `${a}.${visibility} <> 'private'`);
  const me = viewer.user;
  if (me) {
    const owner = table.owner ?? 'owner_id';
    arms.push(`${a}.${owner} = ${me}`);
    arms.push(`${a}.${table.organization ?? owner} IN (SELECT organization_id FROM memberships WHERE user_id = ${me})`);
    if (table.collaborators) arms.push(`${a}.id IN (SELECT ${table.collaborators.key} FROM ${table.collaborators.table} WHERE user_id = ${me})`);
  }
  return arms.length === 0 ? 'false' : `(${arms.join(' OR ')})`;
}
