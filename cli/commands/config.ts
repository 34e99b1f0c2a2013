import { callApi, clientOptionsFromEnv } from '../api-client.js';
import { act, JSON_FLAG, type Command } from './program.js';

/** `warden config show`: the server's effective configuration, secrets masked by the server (GET /v1/config, admin). */
export async function configShowCommand(): Promise<number> {
  const text = await callApi(clientOptionsFromEnv(), 'GET', '/v1/config');
  process.stdout.write(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
  return 0;
}

/** `warden config reload`: the server re-reads warden.yaml (as on SIGHUP); a file that does not validate is refused with every problem, and the old one stays. */
export async function configReloadCommand(opts: { json: boolean }): Promise<number> {
  const text = await callApi(clientOptionsFromEnv(), 'POST', '/v1/config/reload', {});
  const r = JSON.parse(text) as { path: string | null; sha256: string | null; identities: number; people: number };
  process.stdout.write(
    opts.json ? `${JSON.stringify(r, null, 2)}\n` : `reloaded ${r.path ?? '(no warden.yaml)'}${r.sha256 ? ` (sha256 ${r.sha256})` : ''}: ${r.identities} identities, ${r.people} people\n`,
  );
  return 0;
}

/** `warden whoami`: who the server says the token is (GET /v1/whoami), and where this CLI read the token and which server it calls. */
export async function whoamiCommand(opts: { json: boolean }): Promise<number> {
  const o = clientOptionsFromEnv();
  const me = JSON.parse(await callApi(o, 'GET', '/v1/whoami')) as { id: string; name?: string; roles: string[]; groups: string[]; person: { id: string; name: string; email: string } | null };
  const local = { server: o.baseUrl, tokenFrom: o.tokenSource ?? null, stateDir: o.stateDir ?? null };
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ ...me, ...local }, null, 2)}\n`);
    return 0;
  }
  const rows: [string, string][] = [
    ['identity', `${me.id}${me.name ? ` (${me.name})` : ''}`],
    ['roles', me.roles.join(', ')],
    ['groups', me.groups.join(', ') || '-'],
    ['person', me.person ? `${me.person.id} (${me.person.name}, ${me.person.email})` : '- (no person in the directory: people: in warden.yaml, by id or email)'],
    ['state dir', `${local.stateDir ?? '-'}${o.stateDirFromEnv ? ' (WARDEN_STATE_DIR)' : ''}`],
    ['token from', local.tokenFrom ?? '-'],
    ['server', local.server],
  ];
  process.stdout.write(rows.map(([k, v]) => `${k.padEnd(11)}${v}`).join('\n') + '\n');
  return 0;
}

/** `warden config show|reload`, `warden whoami`: one register call in the command tree. */
export function registerConfig(program: Command): void {
  const config = program.command('config').description("the server's configuration");
  config
    .command('show')
    .description("the server's effective settings (secrets masked)")
    .action(act(() => configShowCommand()));
  config
    .command('reload')
    .description('re-read warden.yaml on the server (admin); a broken file is refused and the one in effect stays')
    .option(...JSON_FLAG)
    .action(act((opts: { json?: boolean }) => configReloadCommand({ json: opts.json ?? false })));
  program
    .command('whoami')
    .description('who your token is (roles, person), where it was read, which server')
    .option(...JSON_FLAG)
    .action(act((opts: { json?: boolean }) => whoamiCommand({ json: opts.json ?? false })));
}
