export { CIRCUIT_STATES, type CircuitState } from './circuits.js';
export { createMetrics, processMetrics, usageObserverOf, type Metrics } from './metrics.js';
