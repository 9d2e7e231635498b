export type * from './contract.js';
export * from './errors.js';
export * from './http.js';
export * from './pkce.js';
export * from './redact.js';
export type * from './types.js';
export * from './stock-refs.js';
export type * from './traffic.js';
export * from './resilience/index.js';
