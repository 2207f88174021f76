/** Sharing owned resources (datasets, models): collaborators, stars, access requests. What other domains may use. */
export { ResourceSharing, ROLES, type AccessRequest, type Collaborator } from './resource-sharing.js';
export type { SharedResourceKind, SharedRow } from './shared-resource.js';
export { AccessRequestType, CollaboratorType, collaboratorsWithUsers, requestsWithUsers, type AccessRequestShape, type CollaboratorShape } from './sharing.types.js';
export { OwnedListing, bigintAsNumber } from './owned-listing.js';
