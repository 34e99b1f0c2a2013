import { hostname } from 'node:os';

export interface EchoInput {
  readonly message: string;
}
export interface EchoOutput {
  readonly message: string;
  /** host:pid of the worker process that ran the activity. */
  readonly worker: string;
}

/** Activities with no side effects, for checking that the system runs end to end. */
export function createDiagnosticsActivities() {
  return {
    /** Returns its input and the worker's host:pid. No side effects: safe to retry. */
    async echo(input: EchoInput): Promise<EchoOutput> {
      return { message: input.message, worker: `${hostname()}:${process.pid}` };
    },
  };
}

export type DiagnosticsActivities = ReturnType<typeof createDiagnosticsActivities>;
