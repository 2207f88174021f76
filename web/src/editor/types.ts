/** The model editor's shapes, from ../api/generated.ts (see ../api/types.ts): spec validation and saved architectures. */
import type { ArchitectureQuery, MyArchitecturesQuery, ValidateModelSpecQuery } from '../api/generated';

export type SpecValidation = ValidateModelSpecQuery['validateModelSpec'];
/** A problem found in a spec, located (see schema/model-spec-analysis.ts). */
export type SpecProblem = SpecValidation['errors'][number];
export type LayerSummary = SpecValidation['layers'][number];

export type Architecture = ArchitectureQuery['architecture'];
/** For the list: everything but the spec. */
export type ArchitectureListItem = MyArchitecturesQuery['architectures']['edges'][number]['node'];
