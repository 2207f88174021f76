/** The artifacts module: the content-addressed blob store and the sweep of blobs no row names. */
import path from 'node:path';
import type { HubFloor, HubModule } from '../module.js';
import { BlobSweeper, type BlobReferences } from './blob-sweeper.js';
import { FsArtifactStore } from './fs-artifact-store.js';

export interface ArtifactsServices {
  artifacts: FsArtifactStore;
  /** Deletes artifact blobs no row names (after deletions, and from housekeeping). */
  blobSweeper: BlobSweeper;
}

/** `references`: every domain that names blobs lists its references, or the orphan sweep takes its blobs. */
export function artifactsModule({ config }: HubFloor, references: readonly BlobReferences[]): HubModule<ArtifactsServices> {
  const artifacts = new FsArtifactStore(path.join(config.dataDir, 'artifacts'));
  const blobSweeper = new BlobSweeper(artifacts, references);
  return {
    name: 'artifacts',
    services: { artifacts, blobSweeper },
    // Upload files a crash left behind, then blobs no row names.
    async housekeeping() {
      await artifacts.sweepTemp();
      await blobSweeper.sweepOrphans();
    },
  };
}
