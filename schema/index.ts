export * from './agent-protocol.js';
export * from './job-kinds.js';
export * from './model-spec.js';
export * from './model-spec-analysis.js';
export * from './preprocessing.js';
export * from './training.js';
export * from './ml.js';
export * from './serving.js';
