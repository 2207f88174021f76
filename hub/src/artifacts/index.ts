/** The artifact store: what other domains may use. */
export type { ArtifactStore, PutResult, StoredBlob } from './artifact-store.js';
export { SHA256 } from './artifact-store.js';
export { BlobSweeper, type BlobReferences } from './blob-sweeper.js';
export { FsArtifactStore } from './fs-artifact-store.js';
export { artifactsModule, type ArtifactsServices } from './artifacts.module.js';

import type { ArtifactsServices } from './artifacts.module.js';
declare module '../module.js' {
  // Declaration merging: the services bag names this module's services (module.ts).
  interface Services extends ArtifactsServices {}
}
