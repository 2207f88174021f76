/** TypeScript shapes of the model editor's part of schema/schema.graphql: spec validation and saved architectures. */
import type { Visibility } from '../api/types';

/** A problem found in a spec, located (see schema/model-spec-analysis.ts). */
export interface SpecProblem {
  /** The layer's (or model input's) name, when it has a usable one */
  layer: string | null;
  /** Index in `layers` (or in `inputs`, for a model input) */
  index: number | null;
  /** Like `layers[3].units`, `inputs[0].shape[1]`, `outputs[0]`; '' for the whole spec */
  path: string;
  message: string;
}

export interface LayerSummary {
  index: number;
  name: string;
  type: string;
  /** Batch first (null); null when it cannot be known */
  outputShape: (number | null)[] | null;
  params: number | null;
  trainableParams: number | null;
}

export interface SpecValidation {
  valid: boolean;
  layers: LayerSummary[];
  /** Null while some layer's count cannot be known */
  totalParams: number | null;
  trainableParams: number | null;
  errors: SpecProblem[];
}

export interface Architecture {
  id: string;
  owner: string;
  name: string;
  /** Markdown */
  description: string;
  tags: string[];
  visibility: Visibility;
  /** sequential or functional */
  kind: string;
  layerCount: number;
  totalParams: number;
  spec: unknown;
  createdAt: string;
  updatedAt: string;
}

/** For the list: everything but the spec. */
export type ArchitectureListItem = Omit<Architecture, 'spec'>;
