import { auditCommand } from './audit.js';
import { act, JSON_FLAG, type Command } from './program.js';

interface AuditOpts {
  readonly since?: string;
  readonly until?: string;
  readonly format?: string;
  readonly publicKey?: string;
  readonly json?: boolean;
  readonly hec?: string;
  readonly syslog?: string;
}

/** `warden audit verify|export|stream`: one register call in the command tree. */
export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the audit trail: verify its chain and seals, export it, stream it to a SIEM');
  const run = (sub: string) => act((opts: AuditOpts) => auditCommand([sub], { ...opts, ...(opts.publicKey ? { 'public-key': opts.publicKey } : {}) }));
  audit
    .command('verify')
    .description("check the audit trail's chain and seals; names the first bad record")
    .option('--public-key <hex>', 'the Ed25519 public key the seals must verify with (default: the state dir key)')
    .option(...JSON_FLAG)
    .action(run('verify'));
  audit
    .command('export')
    .description('print the verified records in [since, until)')
    .option('--since <time>', 'an ISO 8601 time')
    .option('--until <time>', 'an ISO 8601 time')
    .option('--format <format>', 'jsonl or ocsf', 'jsonl')
    .option('--public-key <hex>', 'the Ed25519 public key the seals must verify with')
    .action(run('export'));
  audit
    .command('stream')
    .description('send the trail to a SIEM from a durable cursor (HEC token: WARDEN_SIEM_HEC_TOKEN)')
    .option('--hec <url>', 'a Splunk HEC-compatible endpoint')
    .option('--syslog <host:port>', 'an RFC 5424 syslog receiver over TCP')
    .option('--public-key <hex>', 'the Ed25519 public key the seals must verify with')
    .action(run('stream'));
}
