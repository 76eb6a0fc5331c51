export { EVENT_TYPES, EVENT_TYPE_NAMES, ALL_EVENTS, isEventType, subscribes, permissionsToSubscribe, type EventType, type EventTypeInfo } from './catalog.js';
export { apiKeyData, type ApiKeyData, type AppData, type EventPayloads } from './payloads.js';
export { Events, type EventInput, type EventsDeps } from './emitter.js';
