/**
 * A closed console session (contracts/console-logout.ts): the workflow only has to exist, running,
 * until the session would have expired; the servers read the running ones from visibility. It then
 * ends, as the session's cookie is refused by its own expiry from then on.
 */
import { sleep } from '@temporalio/workflow';
import type { ConsoleLogoutInput } from '../../contracts/console-logout.js';

export async function consoleLogoutWorkflow(input: ConsoleLogoutInput): Promise<void> {
  const left = input.until - Date.now();
  if (left > 0) await sleep(left);
}
