import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec, METADATA_KEY_ID } from '../codec/aes-gcm-codec.js';
import { keyringOf } from '../codec/keyring.js';
import type { SmokeResult } from '../contracts/smoke.js';
import { suiteClient, suiteKeyring, uniqueTaskQueue, withWorker } from './harness.js';

const text = (b?: Uint8Array | null) => new TextDecoder().decode(b ?? new Uint8Array());

describe('payloads are encrypted at rest', () => {
  it('a history read without the codec holds no plaintext; with the codec it decodes', async () => {
    const secret = `sk-live-${randomUUID()}`;
    const taskQueue = uniqueTaskQueue('encryption');
    const client = await suiteClient();
    const raw = await suiteClient({ raw: true });
    const workflowId = `enc-${randomUUID()}`;

    await withWorker({ providers: {} }, { taskQueue }, async () => {
      const handle = await client.workflow.start('smokeWorkflow', { taskQueue, workflowId, args: [{ message: secret }] });
      const result = (await handle.result()) as SmokeResult;
      expect(result.message).toBe(secret);
    });

    // What the server stores, fetched with no codec at all.
    const history = await raw.workflow.getHandle(workflowId).fetchHistory();
    const stored = JSON.stringify(history);
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(Buffer.from(secret).toString('base64'));
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    expect(text(started?.metadata?.encoding)).toBe('binary/encrypted');
    expect(text(started?.metadata?.[METADATA_KEY_ID])).toBe('suite-key-1');

    // The same stored payload decodes with the codec.
    const codec = new AesGcmPayloadCodec(suiteKeyring());
    const [decoded] = await codec.decode([started!]);
    expect(JSON.parse(text(decoded!.data))).toEqual({ message: secret });

    await client.connection.close();
    await raw.connection.close();
  });

  it('a workflow written under an old key still decodes after rotation, and new payloads use the new key', async () => {
    const oldKey = { id: 'rot-old', key: randomBytes(32) };
    const newKey = { id: 'rot-new', key: randomBytes(32) };
    const before = keyringOf([oldKey]);
    const after = keyringOf([oldKey, newKey]);
    const taskQueue = uniqueTaskQueue('rotation');
    const oldId = `rot-${randomUUID()}`;
    const newId = `rot-${randomUUID()}`;

    const clientBefore = await suiteClient({ keyring: before });
    await withWorker({ providers: {} }, { taskQueue, keyring: before }, async () => {
      await clientBefore.workflow.execute('smokeWorkflow', { taskQueue, workflowId: oldId, args: [{ message: 'written under rot-old' }] });
    });

    const clientAfter = await suiteClient({ keyring: after });
    await withWorker({ providers: {} }, { taskQueue, keyring: after }, async () => {
      await clientAfter.workflow.execute('smokeWorkflow', { taskQueue, workflowId: newId, args: [{ message: 'written under rot-new' }] });
    });

    const oldResult = (await clientAfter.workflow.getHandle(oldId).result()) as SmokeResult;
    expect(oldResult.message).toBe('written under rot-old');

    const raw = await suiteClient({ raw: true });
    const keyIdOf = async (id: string) =>
      text((await raw.workflow.getHandle(id).fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.metadata?.[METADATA_KEY_ID]);
    expect(await keyIdOf(oldId)).toBe('rot-old');
    expect(await keyIdOf(newId)).toBe('rot-new');

    // A client that lost the old key cannot read the old workflow: the key is really needed.
    const clientNewOnly = await suiteClient({ keyring: keyringOf([newKey]) });
    await expect(clientNewOnly.workflow.getHandle(oldId).result()).rejects.toThrow(/unknown key id "rot-old"/);

    for (const c of [clientBefore, clientAfter, raw, clientNewOnly]) await c.connection.close();
  });
});
