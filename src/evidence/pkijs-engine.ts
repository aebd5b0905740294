// pkijs needs a WebCrypto engine; Node's own is set once here for every evidence module.
import * as pkijs from 'pkijs';
import { webcrypto } from 'node:crypto';

let ready = false;

export function pki(): typeof pkijs {
  if (!ready) {
    pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as never }));
    ready = true;
  }
  return pkijs;
}

export const SHA256_OID = '2.16.840.1.101.3.4.2.1';
