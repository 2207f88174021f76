/** Saved architectures (the model editor's specs): what other domains may use. */
export { Architecture } from './architecture.entity.js';
export { ArchitecturesService, type ArchitectureInput, type ArchitecturePatch } from './architectures.service.js';
export { ModelSpecValidator, type ModelSpecValidation } from './model-spec-validator.js';
export { inlineTfConfirmer, WorkerTfConfirmer, type TfConfirmer } from './tf-confirmer.js';

