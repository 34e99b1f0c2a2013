/** The CLI's errors: a server's non-2xx answer, and a problem on the CLI's own side. */

/** One validation problem, as the server reports it. */
export interface IssueDetail {
  readonly path: string;
  readonly message: string;
}

/** A non-2xx answer: the status, the server's `error` and `details`, and what to do about it. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly error: string,
    readonly details: readonly IssueDetail[] = [],
    readonly hint?: string,
  ) {
    super(`${status} ${error}`);
  }

  /** `<status> <error>`, then one `path: message` line per detail, then the hint. */
  describe(): string {
    const lines = [`${this.status} ${this.error}`];
    for (const d of this.details) lines.push(`  ${d.path ? `${d.path}: ` : ''}${d.message}`);
    if (this.hint) lines.push(this.hint);
    return lines.join('\n');
  }
}

/** A problem on the CLI's side (server unreachable, no secret, unreadable file): a message, exit 1, no stack. */
export class CliError extends Error {
  override name = 'CliError';
}
