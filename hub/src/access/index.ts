/** Who may read what: one rule (permission.ts), checked per row (AccessService) and as SQL (readableSql). */
export { AccessService, type OwnedResource, type Viewer } from './access.service.js';
export { allows, effectivePermission, type AccessFacts, type OrgRole, type Permission, type Visibility } from './permission.js';
export { readableSql, type AccessTable, type ReadMode, type ViewerSql } from './readable-sql.js';
