/** The artifact store: what other domains may use. */
export type { ArtifactStore, PutResult } from './artifact-store.js';
export { SHA256 } from './artifact-store.js';
export { FsArtifactStore } from './fs-artifact-store.js';
