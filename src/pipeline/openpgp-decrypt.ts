// Decrypts a binary OpenPGP message stream with a private key, streaming. openpgp.js would otherwise buffer
// a whole SEIPD v1 plaintext until its integrity check (MDC) at the end; here bytes flow as they decrypt,
// and a failed check errors the stream at its end. Callers must treat the bytes as untrusted until the
// stream ended without error and the plaintext's sha256 matched the signed manifest.
import * as openpgp from 'openpgp';
import type { PrivateKey } from 'openpgp';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

/** The message was encrypted for none of the keys given: which key ids it wants, which ones were given. */
export class DecryptionKeyMismatch extends Error {
  override name = 'DecryptionKeyMismatch';
  constructor(
    readonly encryptedFor: string[],
    readonly keysGiven: string[],
  ) {
    super(
      `encrypted for key id(s) ${encryptedFor.join(', ')}, not for the decryption key given (key id(s) ${keysGiven.join(', ')})`,
    );
  }
}

export async function decryptStream(ciphertext: Readable, decryptionKeys: PrivateKey[]): Promise<Readable> {
  const message = await openpgp.readMessage({
    binaryMessage: Readable.toWeb(ciphertext) as unknown as ReadableStream<Uint8Array>,
  });
  // Said before decrypting (openpgp.js would say only "No decryption key packets found"); an anonymous
  // recipient (wildcard key id) could be any key, so it is left to the decryption to find out.
  const encryptedFor = message.getEncryptionKeyIDs();
  const given = decryptionKeys.flatMap((k) => k.getKeyIDs());
  if (
    encryptedFor.length > 0 &&
    !encryptedFor.some((id) => /^0+$/.test(id.toHex())) &&
    !encryptedFor.some((id) => given.some((g) => g.equals(id)))
  ) {
    throw new DecryptionKeyMismatch(
      encryptedFor.map((id) => id.toHex().toUpperCase()),
      given.map((id) => id.toHex().toUpperCase()),
    );
  }
  const { data } = await openpgp.decrypt({
    message,
    decryptionKeys,
    format: 'binary',
    config: { allowUnauthenticatedStream: true },
  });
  return Readable.fromWeb(data as unknown as WebReadableStream<Uint8Array>);
}
