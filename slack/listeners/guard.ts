import type { WebClient } from '@slack/web-api';
import { tellUser, type SlackDeps } from '../deps.js';

const FAILED = 'Something went wrong inside Warden while handling this. Use `/warden show ID` to see whether your decision was recorded; the server log has the details.';

/**
 * Runs a listener's work after its ack; an unexpected failure is logged and the person is told,
 * so no click ends in silence and no error escapes to Bolt after the ack.
 */
export async function guarded(deps: SlackDeps, web: WebClient, to: { channel?: string; user: string }, what: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    deps.log(`slack: ${what} failed: ${(err as Error).name}: ${(err as Error).message}`);
    await tellUser(web, deps, to, FAILED);
  }
}
