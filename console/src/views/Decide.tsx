import { useState, type FormEvent } from 'react';
import { errorText } from '../api';

export interface DecideProps {
  /** What is decided, for the labels (e.g. "step delete_key"). */
  readonly what: string;
  /** Read-only sessions see the form disabled, with why. */
  readonly allowed: boolean;
  readonly choices: readonly { readonly value: string; readonly label: string }[];
  /** Sends the decision through the API; returns its error, if any. */
  readonly send: (choice: string, reason: string) => Promise<{ ok: boolean; error?: unknown; status?: number }>;
  /** Called after a decision is recorded, with the words said (a list that drops the item shows them on). */
  readonly onDone: (message: string) => void;
}

/** A decision with a reason: approve or deny a step, an offboarding, a campaign's revocations, keep or revoke an item. */
export function Decide({ what, allowed, choices, send, onDone }: DecideProps) {
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const id = `reason-${what.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const decide = async (e: FormEvent, choice: string) => {
    e.preventDefault();
    setBusy(true);
    const r = await send(choice, reason);
    setBusy(false);
    const said = r.ok ? `recorded: ${choice}` : errorText(r.error, r.status);
    setMessage(said);
    if (r.ok) onDone(`${said} (${what})`);
  };
  return (
    <form className="decide" aria-label={`Decide ${what}`} onSubmit={(e) => e.preventDefault()}>
      <label htmlFor={id}>Reason for {what}</label>
      <input id={id} value={reason} onChange={(e) => setReason(e.target.value)} disabled={!allowed || busy} />
      {choices.map((c) => (
        <button key={c.value} type="button" disabled={!allowed || busy} onClick={(e) => void decide(e, c.value)}>
          {c.label} {what}
        </button>
      ))}
      {!allowed && <span className="muted"> read only: your role cannot decide</span>}
      {message && (
        <p role="status" className={message.startsWith('recorded') ? 'ok' : 'bad'}>
          {message}
        </p>
      )}
    </form>
  );
}
