// The one definition of which archiver keys a signature is trusted from: keys pinned by fingerprint
// (SNAPSEAL_TRUSTED_SIGNER_FINGERPRINTS, default: the signing key's own), looked up among the signing key and
// SNAPSEAL_VERIFY_KEY_FILES. A key that is given but not pinned is not trusted.
import type { PublicKey } from 'openpgp';
import type { Config } from '../config';
import { fingerprint, KeyError, readVerificationKeys } from '../pipeline/openpgp-keys';
import { readKeyFile } from './read-key-file';

/**
 * The trusted archiver public keys. `signing` is the signing key when this process has one: it is a candidate,
 * and the default pin.
 */
export async function loadTrustedSigners(keys: Config['keys'], signing?: PublicKey): Promise<PublicKey[]> {
  const texts = await Promise.all(
    keys.verifyKeyFiles.map((f) => readKeyFile(f, 'SNAPSEAL_VERIFY_KEY_FILES')),
  );
  const candidates = [...(signing ? [signing.toPublic()] : []), ...(await readVerificationKeys(texts))];
  const pins =
    keys.trustedSignerFingerprints.length > 0
      ? keys.trustedSignerFingerprints
      : signing
        ? [fingerprint(signing)]
        : [];
  if (pins.length === 0) {
    throw new KeyError(
      'SNAPSEAL_TRUSTED_SIGNER_FINGERPRINTS is empty and no signing key is configured: pin the archiver key fingerprint(s) to trust (and give their public keys in SNAPSEAL_VERIFY_KEY_FILES; for a key in AWS KMS, snapseal kms-public-key prints both)',
    );
  }
  const trusted: PublicKey[] = [];
  for (const pin of pins) {
    const key = candidates.find((k) => fingerprint(k) === pin);
    if (!key) {
      throw new KeyError(
        `SNAPSEAL_TRUSTED_SIGNER_FINGERPRINTS pins ${pin}, but no such key is in SNAPSEAL_VERIFY_KEY_FILES${signing ? ' or the signing key' : ''}: add its public key file`,
      );
    }
    if (!trusted.includes(key)) trusted.push(key);
  }
  return trusted;
}
