// Encrypts bytes as volumes are encrypted (the volume crypto thread) and checks the message head is
// PKESK v3 + SEIPD v1, the form GnuPG 2.2 reads. Shared by the crypto-thread and recipient-key tests.
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
