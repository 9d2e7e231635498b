export { createTrafficControl, type TrafficControlOptions, type TrafficControlService } from './traffic-control.js';
export { limitFor, trafficSettingsFrom, REQUEST_RATE_HEADROOM, SHOPIFY_BUCKET_SECONDS, type BucketLimit, type TrafficSettings } from './limits.js';
