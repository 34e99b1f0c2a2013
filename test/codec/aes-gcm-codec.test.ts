import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultPayloadConverter } from '@temporalio/common';
import { AesGcmPayloadCodec, ENCODING, METADATA_KEY_ID } from '../../codec/aes-gcm-codec.js';
import { keyringOf } from '../../codec/keyring.js';

const key = (id: string) => ({ id, key: randomBytes(32) });
const text = (b?: Uint8Array | null) => new TextDecoder().decode(b ?? new Uint8Array());

describe('AES-256-GCM payload codec', () => {
  const k1 = key('k1');
  const k2 = key('k2');
  const secret = defaultPayloadConverter.toPayload({ apiKey: 'AKIAEXAMPLESECRET' });

  it('hides the value and its encoding, and round-trips', async () => {
    const codec = new AesGcmPayloadCodec(keyringOf([k1]));
    const [encoded] = await codec.encode([secret]);
    expect(text(encoded!.metadata!.encoding)).toBe(ENCODING);
    expect(text(encoded!.metadata![METADATA_KEY_ID])).toBe('k1');
    expect(Buffer.from(encoded!.data!).includes('AKIAEXAMPLESECRET')).toBe(false);
    expect(Buffer.from(encoded!.data!).includes('json/plain')).toBe(false);
    const [decoded] = await codec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual({ apiKey: 'AKIAEXAMPLESECRET' });
  });

  it('uses a fresh 96-bit IV for every payload', async () => {
    const codec = new AesGcmPayloadCodec(keyringOf([k1]));
    const encoded = await codec.encode([secret, secret, secret]);
    const ivs = new Set(encoded.map((p) => Buffer.from(p.data!).subarray(0, 12).toString('hex')));
    expect(ivs.size).toBe(3);
  });

  it('rejects a tampered payload and a relabelled key id', async () => {
    const codec = new AesGcmPayloadCodec(keyringOf([k1, k2]));
    const [encoded] = await codec.encode([secret]);
    const flipped = Buffer.from(encoded!.data!);
    flipped[20] = flipped[20]! ^ 1;
    await expect(codec.decode([{ ...encoded!, data: flipped }])).rejects.toThrow(/failed authentication/);
    const relabelled = { ...encoded!, metadata: { ...encoded!.metadata, [METADATA_KEY_ID]: new TextEncoder().encode('k1') } };
    await expect(codec.decode([relabelled])).rejects.toThrow(/failed authentication/);
  });

  it('encrypts with the newest key and still decrypts payloads written under an older one', async () => {
    const before = new AesGcmPayloadCodec(keyringOf([k1]));
    const [old] = await before.encode([secret]);
    const after = new AesGcmPayloadCodec(keyringOf([k1, k2]));
    const [fresh] = await after.encode([secret]);
    expect(text(fresh!.metadata![METADATA_KEY_ID])).toBe('k2');
    const [decodedOld] = await after.decode([old!]);
    expect(defaultPayloadConverter.fromPayload(decodedOld!)).toEqual({ apiKey: 'AKIAEXAMPLESECRET' });
  });

  it('names the missing key id when a payload was written under an unknown key', async () => {
    const [encoded] = await new AesGcmPayloadCodec(keyringOf([k1])).encode([secret]);
    await expect(new AesGcmPayloadCodec(keyringOf([k2])).decode([encoded!])).rejects.toThrow(/unknown key id "k1"/);
  });

  it('passes unencrypted payloads through on decode', async () => {
    const codec = new AesGcmPayloadCodec(keyringOf([k1]));
    const [decoded] = await codec.decode([secret]);
    expect(decoded).toBe(secret);
  });
});
