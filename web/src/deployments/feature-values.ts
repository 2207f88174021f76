/**
 * Try it's form values and the raw record they make: one value a feature, keyed by its name (as
 * ML.PREDICT and the REST front doors take them). A number field is text while it is typed; an
 * empty one is sent as null, which the model reads as missing.
 */
import type { DeploymentFeature } from './types';

export type FeatureKind = 'number' | 'category' | 'boolean' | 'text';

/** How Try it asks for a feature: a select of its categories, a number field, yes/no, or text. */
export function featureKind(feature: DeploymentFeature): FeatureKind {
  if (feature.categories) return 'category';
  const type = feature.type.toLowerCase();
  if (type === 'number' || type === 'integer' || type === 'float') return 'number';
  if (type === 'boolean') return 'boolean';
  return 'text';
}

/** The value a field starts with: 0, the first category, false, empty text. */
export function initialValues(features: readonly DeploymentFeature[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const feature of features) {
    const kind = featureKind(feature);
    values[feature.name] = kind === 'number' ? '0' : kind === 'category' ? (feature.categories?.[0] ?? '') : kind === 'boolean' ? 'false' : '';
  }
  return values;
}

export type FeatureValue = number | string | boolean | null;

/** The raw record to send, or the first field that is not a number where one is wanted. */
export function toInstance(
  features: readonly DeploymentFeature[],
  values: Record<string, string>,
): { instance: Record<string, FeatureValue> } | { field: string; message: string } {
  const instance: Record<string, FeatureValue> = {};
  for (const feature of features) {
    const text = values[feature.name] ?? '';
    switch (featureKind(feature)) {
      case 'number': {
        if (text.trim() === '') {
          instance[feature.name] = null;
          break;
        }
        const number = Number(text);
        if (!Number.isFinite(number)) return { field: feature.name, message: `${feature.name} must be a number` };
        instance[feature.name] = number;
        break;
      }
      case 'boolean':
        instance[feature.name] = text === 'true';
        break;
      default:
        instance[feature.name] = text;
    }
  }
  return { instance };
}
