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
  readonly syslogTls?: boolean;
  readonly syslogCa?: string;
  readonly syslogServerName?: string;
  readonly interval?: string;
}

/** `warden audit verify|export|stream`: one register call in the command tree. */
export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the audit trail: verify its chain and seals, export it, stream it to a SIEM');
  const run = (sub: string) =>
    act((opts: AuditOpts) =>
      auditCommand([sub], {
        ...opts,
        ...(opts.publicKey ? { 'public-key': opts.publicKey } : {}),
        ...(opts.syslogTls ? { 'syslog-tls': true } : {}),
        ...(opts.syslogCa ? { 'syslog-ca': opts.syslogCa } : {}),
        ...(opts.syslogServerName ? { 'syslog-server-name': opts.syslogServerName } : {}),
      }),
    );
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
    .option('--syslog <host:port>', 'an RFC 5424 syslog receiver over TCP (or TLS with --syslog-tls)')
    .option('--syslog-tls', 'syslog over TLS (RFC 5425), the certificate verified')
    .option('--syslog-ca <file>', "PEM CA certificates the receiver's certificate must chain to (implies --syslog-tls; default the system CAs)")
    .option('--syslog-server-name <name>', 'the name the certificate must carry (implies --syslog-tls; default the host)')
    .option('--interval <ms>', 'wait between rounds and after a failure', '2000')
    .option('--public-key <hex>', 'the Ed25519 public key the seals must verify with')
    .action(run('stream'));
}
