/**
 * What a training job reads, for its placement (compute/placement.ts): every dataset its query
 * reads and, for model_type = 'custom', the saved architecture. Each is public or its owner's.
 */
import { Visibility } from '../accounts/index.js';
import type { DataRead } from '../compute/index.js';
import type { DatasetsService } from '../datasets/index.js';
import { notFound } from '../errors.js';

export interface ReadArchitecture {
  ownerId: string;
  visibility: Visibility;
  /** owner/name, for messages. */
  ref: string;
}

export async function datasetReads(datasets: DatasetsService, read: readonly { datasetId: string; owner: string; name: string; version: number }[]): Promise<DataRead[]> {
  const out: DataRead[] = [];
  for (const d of new Map(read.map((r) => [r.datasetId, r])).values()) {
    const dataset = await datasets.byId(d.datasetId);
    if (!dataset) throw notFound('Dataset');
    out.push({ ownerId: dataset.ownerId, public: dataset.visibility === Visibility.PUBLIC, what: `dataset ${d.owner}/${d.name}@${d.version}` });
  }
  return out;
}

export async function trainingReads(
  datasets: DatasetsService,
  read: readonly { datasetId: string; owner: string; name: string; version: number }[],
  architecture: ReadArchitecture | null,
): Promise<DataRead[]> {
  const out = await datasetReads(datasets, read);
  if (architecture) out.push({ ownerId: architecture.ownerId, public: architecture.visibility === Visibility.PUBLIC, what: `architecture ${architecture.ref}` });
  return out;
}
