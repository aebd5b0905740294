// Encrypts a plaintext stream to one or more public keys as a binary OpenPGP message, streaming.
// GnuPG 2.2 must read it: v4 keys, SEIPD v1 with MDC (no AEAD), AES-256, no compression (snapshot blobs
// are compressed already, and compression would cost CPU for nothing).
import { randomBytes } from 'node:crypto';
import * as openpgp from 'openpgp';
import type { PublicKey } from 'openpgp';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

export const ENCRYPTION_CONFIG = {
  aeadProtect: false,
  preferredSymmetricAlgorithm: openpgp.enums.symmetric.aes256,
  preferredCompressionAlgorithm: openpgp.enums.compression.uncompressed,
} as const;

/**
 * The session key of every volume: AES-256, no AEAD algorithm. openpgp.js picks SEIPDv2 (AEAD) whenever every
 * recipient advertises it, whatever aeadProtect says; a session key given without an AEAD algorithm pins
 * PKESK v3 + SEIPD v1, which GnuPG 2.2 decrypts. Every encryption of a volume passes one.
 */
export const SESSION_KEY = { algorithm: 'aes256', bytes: 32 } as const;

export async function encryptStream(
  plaintext: Readable,
  recipients: PublicKey[],
  options: { filename: string },
): Promise<Readable> {
  if (recipients.length === 0) throw new Error('No recipient keys: nothing could ever decrypt this archive');
  const message = await openpgp.createMessage({
    binary: Readable.toWeb(plaintext) as unknown as ReadableStream<Uint8Array>,
    filename: options.filename,
    date: new Date(0),
    format: 'binary',
  });
  const encrypted = await openpgp.encrypt({
    message,
    encryptionKeys: recipients,
    sessionKey: { data: randomBytes(SESSION_KEY.bytes), algorithm: SESSION_KEY.algorithm },
    format: 'binary',
    config: ENCRYPTION_CONFIG,
  });
  return Readable.fromWeb(encrypted as unknown as WebReadableStream<Uint8Array>);
}
