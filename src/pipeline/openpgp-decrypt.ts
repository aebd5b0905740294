// Decrypts a binary OpenPGP message stream with a private key, streaming. openpgp.js would otherwise buffer
// a whole SEIPD v1 plaintext until its integrity check (MDC) at the end; here bytes flow as they decrypt,
// and a failed check errors the stream at its end. Callers must treat the bytes as untrusted until the
// stream ended without error and the plaintext's sha256 matched the signed manifest.
import * as openpgp from 'openpgp';
import type { PrivateKey } from 'openpgp';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

export async function decryptStream(ciphertext: Readable, decryptionKeys: PrivateKey[]): Promise<Readable> {
  const message = await openpgp.readMessage({
    binaryMessage: Readable.toWeb(ciphertext) as unknown as ReadableStream<Uint8Array>,
  });
  const { data } = await openpgp.decrypt({
    message,
    decryptionKeys,
    format: 'binary',
    config: { allowUnauthenticatedStream: true },
  });
  return Readable.fromWeb(data as unknown as WebReadableStream<Uint8Array>);
}
