import type { Alert } from '../../contracts/incident.js';

/**
 * Warden's own alert intake, for alerts Warden raises itself (the inventory's new findings): the
 * same route, checks, redaction, routing and audit as every other sender's alert.
 */
export interface AlertIntake {
  /**
   * Sends one alert. `deliveryKey` is stable across retries of the same send, so that the intake
   * takes a resent alert for the delivery it already accepted. A refusal (4xx) is an answer, not an
   * error; an intake that cannot take it now (unreachable, 429, 5xx) is an error, for a retry.
   */
  send(alert: Alert, deliveryKey: string): Promise<IntakeAnswer>;
}

export interface IntakeAnswer {
  /** The HTTP status the intake answered. */
  readonly status: number;
  /** What it said, in one line: `opened inc-…`, `joined inc-…`, `duplicate delivery, ignored`, `refused: …`. */
  readonly outcome: string;
  readonly incidentId?: string;
  readonly playbook?: string;
}
