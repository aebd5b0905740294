// Fresh archiver signing keys for unit tests, one per name (generated, never stored).
import type { PrivateKey } from 'openpgp';
import { generateDemoKeys, readSigningKey } from '../../../src/pipeline/openpgp-keys';

export async function signingKeys(...names: string[]): Promise<PrivateKey[]> {
  const keys: PrivateKey[] = [];
  for (const name of names)
    keys.push(
      await readSigningKey((await generateDemoKeys({ name, email: `${name}@example.invalid` })).privateKey),
    );
  return keys;
}
