import { notFound } from '../errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are uuids; anything else cannot name a row, so it is NOT_FOUND rather than a database error. */
export function asUuid(id: string, what = 'Item'): string {
  if (!UUID.test(id)) throw notFound(what);
  return id;
}
