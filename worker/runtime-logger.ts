import { DefaultLogger, type LogEntry } from '@temporalio/worker';

/**
 * Temporal's own log lines (the workflow bundler's webpack output, "Workflow bundle created",
 * worker state changes) are a library's detail: at Warden's `info` and `warn` only Temporal's
 * warnings and errors are shown; at `debug` everything is. Each line is `warden: temporal <level>: …`.
 */
export function temporalLogger(level: 'debug' | 'info' | 'warn', write: (line: string) => void): DefaultLogger {
  return new DefaultLogger(level === 'debug' ? 'DEBUG' : 'WARN', (entry: LogEntry) => {
    const meta = entry.meta && Object.keys(entry.meta).length ? ` ${safeJson(entry.meta)}` : '';
    write(`temporal ${entry.level.toLowerCase()}: ${entry.message}${meta}`);
  });
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return '(unprintable)';
  }
}
