export { minuteStart, UsageAggregator, type UsageBucket } from './aggregator.js';
export { readUsageReport, USAGE_GRANULARITIES, type UsageGranularity, type UsageReportBucket } from './query.js';
export { createUsageLog, type UsageLog, type UsageLogOptions, type UsageObserver } from './sink.js';
export { isErrorClass, STATUS_CLASSES, statusClassOf, type StatusClass } from './status-class.js';
export { addUsageBuckets, deleteUsageBefore } from './store.js';
