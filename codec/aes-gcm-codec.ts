import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { ApplicationFailure } from '@temporalio/common';
import proto from '@temporalio/proto';

const { temporal } = proto;
import type { Keyring } from './keyring.js';

export const ENCODING = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';
export const METADATA_CIPHER = 'encryption-cipher';
const CIPHER = 'AES-256-GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined): string => (b ? new TextDecoder().decode(b) : '');

/**
 * Encrypts every payload with AES-256-GCM under the keyring's newest key.
 *
 * The whole original payload (metadata and data) is serialized and encrypted, so neither the
 * value nor its encoding is visible at rest. Each payload gets a fresh random 96-bit IV; the
 * data is `iv ‖ ciphertext ‖ tag`, and the key id is both written in the metadata and bound
 * as additional authenticated data, so a relabelled payload fails to decrypt.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(private readonly keyring: Keyring) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.keyring.active;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(utf8(id));
      const plaintext = temporal.api.common.v1.Payload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: utf8(ENCODING), [METADATA_KEY_ID]: utf8(id), [METADATA_CIPHER]: utf8(CIPHER) },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.encoding) !== ENCODING) return payload;
      const id = text(payload.metadata?.[METADATA_KEY_ID]);
      const entry = this.keyring.byId(id);
      if (!entry) {
        throw ApplicationFailure.nonRetryable(
          `payload encrypted with unknown key id "${id}"; add that key to WARDEN_ENCRYPTION_KEYS or the key file (known: ${this.keyring.ids.join(', ')})`,
          'UnknownEncryptionKey',
        );
      }
      const data = payload.data ?? new Uint8Array();
      if (data.length < IV_BYTES + TAG_BYTES) {
        throw ApplicationFailure.nonRetryable('encrypted payload is truncated', 'CorruptPayload');
      }
      const iv = data.subarray(0, IV_BYTES);
      const tag = data.subarray(data.length - TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', entry.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(utf8(id));
      decipher.setAuthTag(tag);
      let plaintext: Buffer;
      try {
        plaintext = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw ApplicationFailure.nonRetryable(`encrypted payload failed authentication under key "${id}"`, 'CorruptPayload');
      }
      return temporal.api.common.v1.Payload.decode(plaintext);
    });
  }
}
