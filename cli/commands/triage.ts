import { ApiClient, type TriageCliAction } from '../api-client.js';
import { formatDuration } from './format.js';

/** What each triage action did, in words. */
function said(id: string, what: TriageCliAction, result: Record<string, unknown>): string {
  switch (what.action) {
    case 'acknowledge': {
      const ack = result.acknowledged as { by: string; at: string };
      const mtta = typeof result.mttaMs === 'number' ? `; MTTA ${formatDuration(result.mttaMs)}` : '';
      return `incident ${id}: acknowledged (first by ${ack.by} at ${ack.at}${mtta})`;
    }
    case 'false_positive':
      return `incident ${id}: marked a false positive (now ${String(result.status)})`;
    case 'merge':
      return `incident ${id}: merged into ${what.into} (it now holds ${String(result.targetAlerts)} alert(s))`;
    case 'start_playbook':
      return `incident ${id}: playbook ${what.playbook} started in it`;
  }
}

/** `warden incidents ack|false-positive|merge|start-playbook ID …` */
export async function triageCommand(id: string, what: TriageCliAction, opts: { json: boolean }): Promise<number> {
  const result = await ApiClient.fromEnv().triage(id, what);
  process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${said(id, what, result)}\n`);
  return 0;
}
