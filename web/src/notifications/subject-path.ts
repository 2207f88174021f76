/** Where the portal shows the model, dataset or deployment a notification or subscription is about. */
import { datasetPath } from '../datasets/dataset-path';
import { modelPath } from '../models/model-path';
import type { NotificationSubject } from './types';

export function subjectPath(subject: NotificationSubject): string {
  if (subject.kind === 'DEPLOYMENT') return `/deployments/${encodeURIComponent(subject.owner)}/${encodeURIComponent(subject.name)}`;
  return subject.kind === 'DATASET' ? datasetPath(subject.owner, subject.name) : modelPath(subject.owner, subject.name);
}
