// Encrypts bytes as volumes are encrypted (the volume crypto thread, the one encryption path), for the unit
// tests of the stages around it; encryptAsVolume also checks the message head is PKESK v3 + SEIPD v1, the form
// GnuPG 2.2 reads.
import type { PublicKey } from 'openpgp';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkMessageHead } from '../../../src/pipeline/assert-seipd-v1';
import { readRecipientKeys } from '../../../src/pipeline/openpgp-keys';
import { VolumeCryptoStream } from '../../../src/pipeline/volume-crypto-stream';
import { collect } from './streams';

export async function encryptAsVolume(publicKeyArmored: string, plaintext: Uint8Array): Promise<Buffer> {
  const crypto = new VolumeCryptoStream({
    recipients: await readRecipientKeys([publicKeyArmored]),
    filename: 'v.tar',
    fileSizes: [],
  });
  // A copy goes in: chunks are moved to the thread, not copied.
  const [ciphertext] = await Promise.all([
    collect(crypto),
    pipeline(Readable.from([Buffer.from(plaintext)]), crypto),
  ]);
  expect(checkMessageHead(ciphertext)).toBe('ok');
  return ciphertext;
}

/**
 * The ciphertext stream of `plaintext`, encrypted as a volume for `recipients`. Chunks are copied on the way
 * in: the crypto stream moves their memory to its thread, and the tests compare with their plaintext after.
 */
export function encryptedAsVolume(plaintext: Readable, recipients: PublicKey[]): Readable {
  const crypto = new VolumeCryptoStream({ recipients, filename: 'v.tar', fileSizes: [] });
  const copies = Readable.from(
    (async function* () {
      for await (const chunk of plaintext) yield Buffer.from(chunk as Uint8Array);
    })(),
  );
  pipeline(copies, crypto).catch((err: Error) => crypto.destroy(err));
  return crypto;
}
