/**
 * The roles an API identity holds. viewer < responder < admin rank in that order (a higher one does
 * what a lower one does); `hr` stands apart: it starts, reads and approves offboardings, and nothing else.
 */
export const ROLES = ['viewer', 'responder', 'admin', 'hr'] as const;
export type Role = (typeof ROLES)[number];
