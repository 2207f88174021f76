/** Where the portal shows the model or dataset a notification or subscription is about. */
import { datasetPath } from '../datasets/dataset-path';
import { modelPath } from '../models/model-path';
import type { NotificationSubject } from './types';

export function subjectPath(subject: NotificationSubject): string {
  return subject.kind === 'DATASET' ? datasetPath(subject.owner, subject.name) : modelPath(subject.owner, subject.name);
}
