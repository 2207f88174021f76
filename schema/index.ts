export * from './agent-protocol.js';
export * from './job-kinds.js';
