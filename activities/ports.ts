/**
 * The capabilities activities need, one interface per kind of peer. Each provider folder under
 * activities/ adapts exactly one SDK to one of these; tests prove each adapter against a real
 * peer on loopback. Core code depends on these interfaces, never on a vendor SDK.
 *
 * Every method is idempotent under its idempotency key: calling it again after a crash reports
 * `already: true` instead of acting twice.
 */

export type * from './ports/chat.js';
export type * from './ports/mail.js';
export type * from './ports/evidence.js';
export type * from './ports/http.js';
export type * from './ports/change.js';
export type * from './ports/iam.js';
export type * from './ports/model-registry.js';
export type * from './ports/endpoints.js';
export type * from './ports/code-host.js';
export type * from '../contracts/directory.js';
