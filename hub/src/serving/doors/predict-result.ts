/**
 * GraphQL predict's conversions (the types are in predict.resolver.ts): instances as objects of
 * named features or lists in signature order, and the answer per instance.
 */
import { badInput } from '../../errors.js';
import type { DeploymentTarget } from '../deployment-target.js';
import type { InferenceAnswer } from '../inference.js';
import { names } from './check-records.js';
import { classOutputs } from './outputs.js';

export interface PredictionResultView {
  predictions: { label: string | null; probabilities: { label: string; probability: number }[] | null; value: number | null; outputs: (number | null)[] }[];
  model: string;
  versionNumber: number;
  replica: string;
  nodeName: string | null;
  latencyMs: number;
}

/** The GraphQL answer of one prediction. */
export function predictionResult(target: DeploymentTarget, answer: InferenceAnswer): PredictionResultView {
  return {
    predictions: answer.outputs.map((outputs) => {
      if (target.task === 'regression') return { label: null, probabilities: null, value: outputs[0] ?? null, outputs };
      const { label, probabilities } = classOutputs(target.labels, outputs);
      const finite = probabilities.length === target.labels.length && probabilities.every((p) => p !== null);
      return { label, probabilities: finite ? target.labels.map((l, i) => ({ label: l, probability: probabilities[i]! })) : null, value: null, outputs };
    }),
    model: target.model,
    versionNumber: answer.versionNumber,
    replica: answer.replicaId,
    nodeName: answer.nodeName || null,
    latencyMs: answer.latencyMs,
  };
}

/** GraphQL instances: objects of named features, or lists of values in signature order. */
export function instancesOf(target: DeploymentTarget, instances: readonly unknown[]): unknown[] {
  return instances.map((instance, i) => {
    if (!Array.isArray(instance)) return instance;
    if (instance.length !== target.features.length) {
      throw badInput(`instances[${i}]`, `has ${instance.length} values; a list instance holds one value per feature in signature order (${target.features.length}: ${names(target.features)})`);
    }
    return Object.fromEntries(target.features.map((f, j) => [f.name, instance[j]]));
  });
}
