// The contract between server and client: domain types, schemas, socket events, pure figures.
// No I/O and no framework here.
export * from './schemas/common.js';
export * from './schemas/region.js';
export * from './schemas/camera.js';
export * from './schemas/clue.js';
export * from './schemas/grid.js';
export * from './schemas/summary.js';
export * from './schemas/errors.js';
export * from './schemas/validate.js';
export * from './protocol/events.js';
export * from './protocol/applyDelta.js';
export * from './metrics/rate.js';
export * from './metrics/operationalRate.js';
export * from './metrics/clueCounts.js';
export * from './metrics/mediation.js';
export * from './metrics/uptime.js';
export * from './metrics/figures.js';
export * from './region/tree.js';
export * from './time/periods.js';
export * from './i18n/labels.js';
export * from './metrics/ranking.js';
export * from './schemas/meeting.js';
export * from './schemas/notifications.js';
export * from './schemas/video.js';
export * from './schemas/session.js';
export * from './schemas/health.js';
export * from './schemas/geo.js';
