/** Where the catalog's pages live in the portal, and where a version's files are downloaded from the hub. */
export function modelPath(owner: string, name: string, suffix = ''): string {
  return `/models/${encodeURIComponent(owner)}/${encodeURIComponent(name)}${suffix}`;
}

/** `/api/models/owner/name/versions/n/<path>` (hub/src/catalog/models.routes.ts); the shards sit beside model.json. */
export function modelFileUrl(owner: string, name: string, number: number, path: string): string {
  const file = path.split('/').map(encodeURIComponent).join('/');
  return `/api/models/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/versions/${number}/${file}`;
}

/** The same file through an alias: `/api/models/owner/name/aliases/production/model.json`. */
export function modelAliasFileUrl(owner: string, name: string, alias: string, path = 'model.json'): string {
  return `/api/models/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/aliases/${encodeURIComponent(alias)}/${path}`;
}
