import { cancelCommand, noteCommand } from './decide.js';
import { act, JSON_FLAG, type Command } from './program.js';
import { UsageError } from '../usage.js';

type Json = { json?: boolean };

/** `warden cancel|note`: cancels and notes on an incident through the HTTP API. */
export function registerDecide(program: Command): void {
  program
    .command('cancel')
    .description('cancel an incident, with or without rollback')
    .argument('<id>', 'the incident id')
    .option('--reason <text>', 'why (recorded in the incident)')
    .option('--rollback', 'undo the applied steps, each after its own approval')
    .option(...JSON_FLAG)
    .action(
      act((id: string, o: Json & { reason?: string; rollback?: boolean }) => {
        if (!o.reason?.trim()) throw new UsageError('cancel needs --reason TEXT (it is recorded in the incident)');
        return cancelCommand(id, { reason: o.reason, rollback: o.rollback ?? false, json: o.json ?? false });
      }),
    );
  program
    .command('note')
    .description('add a note to an incident')
    .argument('<id>', 'the incident id')
    .argument('<text...>', 'the note')
    .option(...JSON_FLAG)
    .action(act((id: string, text: string[], o: Json) => noteCommand(id, text.join(' '), { json: o.json ?? false })));
}
