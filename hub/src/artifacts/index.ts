/** The artifact store: what other domains may use. */
export type { ArtifactStore, PutResult, StoredBlob } from './artifact-store.js';
export { SHA256 } from './artifact-store.js';
export { BlobSweeper, type BlobReferences } from './blob-sweeper.js';
export { FsArtifactStore } from './fs-artifact-store.js';
