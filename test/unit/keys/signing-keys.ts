// Fresh archiver signing keys for unit tests, one per name (generated, never stored). They are made as of
// 2026-01-01, so records and manifests dated in the tests (key rotation records are signed at their createdAt)
// fall within each key's life.
import * as openpgp from 'openpgp';
import type { PrivateKey } from 'openpgp';
import { readSigningKey } from '../../../src/pipeline/openpgp-keys';

const KEYS_MADE = new Date('2026-01-01T00:00:00.000Z');

export async function signingKeys(...names: string[]): Promise<PrivateKey[]> {
  const keys: PrivateKey[] = [];
  for (const name of names) {
    const { privateKey } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ name, email: `${name}@example.invalid` }],
      format: 'armored',
      date: KEYS_MADE,
      config: { v6Keys: false, aeadProtect: false },
    });
    keys.push(await readSigningKey(privateKey));
  }
  return keys;
}
