/**
 * One labelled control a feature: a select of its categories, a number field, yes/no, or text
 * (see featureKind). The values stay text until the request is built.
 */
import { Field } from '../forms/Field';
import { featureKind } from './feature-values';
import type { DeploymentFeature } from './types';

export interface FeatureInputsProps {
  features: readonly DeploymentFeature[];
  values: Record<string, string>;
  onChange(name: string, value: string): void;
  /** The feature the last attempt found wrong, with why */
  problem?: { field: string; message: string };
}

export function FeatureInputs({ features, values, onChange, problem }: FeatureInputsProps) {
  if (features.length === 0) return <p className="muted">The model states no named features to ask for.</p>;
  return (
    <div className="try-inputs">
      {features.map((feature) => {
        const kind = featureKind(feature);
        const value = values[feature.name] ?? '';
        const error = problem?.field === feature.name ? problem.message : undefined;
        return (
          <Field key={feature.name} label={feature.name} hint={feature.type.toLowerCase()} error={error} testId={`try-feature-${feature.name}`}>
            {(control) =>
              kind === 'category' ? (
                <select {...control} value={value} onChange={(event) => onChange(feature.name, event.target.value)} data-kind={kind}>
                  {feature.categories?.map((category) => (
                    <option key={category} value={category}>
                      {category}
                    </option>
                  ))}
                </select>
              ) : kind === 'boolean' ? (
                <select {...control} value={value} onChange={(event) => onChange(feature.name, event.target.value)} data-kind={kind}>
                  <option value="true">true</option>
                  <option value="false">false</option>
                </select>
              ) : (
                <input
                  {...control}
                  type={kind === 'number' ? 'number' : 'text'}
                  step={kind === 'number' ? 'any' : undefined}
                  value={value}
                  onChange={(event) => onChange(feature.name, event.target.value)}
                  data-kind={kind}
                />
              )
            }
          </Field>
        );
      })}
    </div>
  );
}
