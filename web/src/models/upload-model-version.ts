/**
 * Uploading a model version: model.json and its weight shards as multipart/form-data to
 * `POST /api/models/:owner/:name/versions` (hub/src/catalog/models.routes.ts), one file part per
 * file, its filename being its path beside model.json. The hub checks the manifest against the
 * shards and loads the model with TF.js before the (draft) version exists.
 */
import { uploadWithProgress } from '../api/upload-with-progress';
import type { ModelFile } from './types';

export interface UploadedModelVersion {
  id: string;
  number: number;
  status: string;
  files: ModelFile[];
  createdAt: string;
}

export interface PickedFile {
  /** Beside model.json: `model.json`, `group1-shard1of1.bin`, `weights/part-1.bin` */
  path: string;
  file: File;
}

/**
 * The picked files with their paths beside model.json. A folder picked whole gives paths such as
 * `my-model/model.json` (webkitRelativePath): the folder holding the shallowest model.json is the
 * root, and files outside it or hidden (`.DS_Store`) are left out. Files picked one by one keep
 * their names.
 */
export function besideModelJson(files: readonly File[]): PickedFile[] {
  const picked = files.map((file) => ({ file, relative: (file.webkitRelativePath || file.name).replace(/\\/g, '/') }));
  const manifests = picked.filter(({ relative }) => relative === 'model.json' || relative.endsWith('/model.json'));
  const shallowest = manifests.sort((a, b) => a.relative.split('/').length - b.relative.split('/').length)[0];
  const root = shallowest ? shallowest.relative.slice(0, -'model.json'.length) : '';
  return picked
    .filter(({ relative }) => relative.startsWith(root))
    .map(({ file, relative }) => ({ file, path: relative.slice(root.length) }))
    .filter(({ path }) => !path.split('/').some((segment) => segment.startsWith('.')))
    .sort((a, b) => (a.path === 'model.json' ? -1 : b.path === 'model.json' ? 1 : a.path.localeCompare(b.path, undefined, { numeric: true })));
}

export interface ModelUploadOptions {
  owner: string;
  name: string;
  files: readonly PickedFile[];
  onProgress(sent: number, total: number): void;
  signal?: AbortSignal;
}

export function uploadModelVersion({ owner, name, files, onProgress, signal }: ModelUploadOptions): Promise<UploadedModelVersion> {
  const body = new FormData();
  for (const { path, file } of files) body.append('files', file, path);
  return uploadWithProgress<UploadedModelVersion>({
    url: `/api/models/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/versions`,
    body,
    onProgress,
    signal,
  });
}
