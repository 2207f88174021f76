import type { Scope } from '../api/types';

/** What each API key scope lets a program do, as shown beside its checkbox. */
export const SCOPE_LABELS: Record<Scope, string> = {
  MODELS_READ: 'Read models',
  MODELS_WRITE: 'Publish and change models',
  DATASETS_READ: 'Read datasets',
  DATASETS_WRITE: 'Upload and change datasets',
  JOBS_READ: 'Follow jobs and training runs',
  JOBS_WRITE: 'Submit and cancel jobs',
  NODES_READ: 'See the compute network',
  NODES_MANAGE: 'Manage compute nodes',
  NOTIFICATIONS: 'Read the inbox, follow models and datasets',
  INFERENCE: 'Call deployed models',
};
