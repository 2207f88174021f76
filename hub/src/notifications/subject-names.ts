import type { Queryable } from '../db/rows.js';
import { SUBJECT_TABLE } from './subject-access.js';
import { NotificationSubject, SubjectKind, type SubjectRef } from './subject.js';

/**
 * `owner/name` of each subject, by id, in one statement per kind present (a page of notifications
 * or subscriptions costs at most two). Ids whose row is gone are missing from the map.
 */
export async function loadSubjects(db: Queryable, refs: readonly SubjectRef[]): Promise<Map<string, NotificationSubject>> {
  const found = new Map<string, NotificationSubject>();
  for (const kind of Object.values(SubjectKind)) {
    const ids = [...new Set(refs.filter((r) => r.kind === kind).map((r) => r.id))];
    if (ids.length === 0) continue;
    const rows: { id: string; name: string; owner: string | null }[] = await db.query(
      `SELECT t.id, t.name, coalesce(u.username, o.handle) AS owner
       FROM ${SUBJECT_TABLE[kind].table} t LEFT JOIN users u ON u.id = t.owner_id LEFT JOIN organizations o ON o.id = t.owner_id
       WHERE t.id = ANY($1::uuid[])`,
      [ids],
    );
    for (const row of rows) found.set(row.id, Object.assign(new NotificationSubject(), { kind, id: row.id, name: row.name, owner: row.owner ?? '' }));
  }
  return found;
}
