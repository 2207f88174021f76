import type { Scope } from '../api/types';

/** What each API key scope lets a program do, as shown beside its checkbox. */
export const SCOPE_LABELS: Record<Scope, string> = {
  MODELS_READ: 'Read models',
  MODELS_WRITE: 'Publish and change models',
  DATASETS_READ: 'Read datasets',
  DATASETS_WRITE: 'Upload and change datasets',
  INFERENCE: 'Call deployed models',
  NODES_MANAGE: 'Manage compute nodes',
};
