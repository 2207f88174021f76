export * from './agent-protocol.js';
