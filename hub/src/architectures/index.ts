/** Saved architectures (the model editor's specs): what other domains may use. */
export { Architecture } from './architecture.entity.js';
export { ArchitecturesService, type ArchitectureInput, type ArchitecturePatch } from './architectures.service.js';
export { ModelSpecValidator, type ModelSpecValidation } from './model-spec-validator.js';
export { inlineTfConfirmer, WorkerTfConfirmer, type TfConfirmer } from './tf-confirmer.js';

export { architecturesModule, architecturesResolvers, type ArchitecturesServices } from './architectures.module.js';

import type { ArchitecturesServices } from './architectures.module.js';
declare module '../module.js' {
  // Declaration merging: the services bag names this module's services (module.ts).
  interface Services extends ArchitecturesServices {}
}
