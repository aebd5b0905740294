// What the settings in force let snapseal prove, and what they do not: one list, printed by `snapseal status`
// and `verify --chain`, so nobody reads "OK" as more than it is.
import { defaultWitnessBucket, SETTINGS, WITNESS_OFF, type Config } from '../config';

export interface Assurance {
  /** One line per kind of evidence: where it lives and how strong it is. */
  inForce: string[];
  /** What cannot be proven with these settings, each with the setting that would change it. */
  notProven: string[];
}

type AssuranceConfig = Pick<Config, 'archive' | 'witness' | 'evidence' | 'keys'>;

/** A retention in seconds as people say it: "2557 days", "1 day", "40 s". */
export function describeDuration(seconds: number): string {
  if (seconds % 86_400 !== 0) return `${seconds} s`;
  return seconds === 86_400 ? '1 day' : `${seconds / 86_400} days`;
}

export function assuranceOf(config: AssuranceConfig): Assurance {
  const inForce: string[] = [];
  const notProven: string[] = [];
  const { keys, witness, archive, evidence } = config;

  if (keys.signingKms) {
    inForce.push(`signing key: AWS KMS key ${keys.signingKms.keyId} (never leaves KMS; each use is logged)`);
  } else if (keys.signingKeyFile) {
    inForce.push(`signing key: file ${keys.signingKeyFile} on the sealing worker`);
    notProven.push(
      'a copied key file signs for as long as its fingerprint stays pinned: keep it in a KMS (SNAPSEAL_SIGNING_KMS_KEY_ID)',
    );
  } else {
    inForce.push('signing key: none on this host (verify with the pinned keys only)');
  }

  if (witness) {
    const named = witness.bucket === defaultWitnessBucket(archive.bucket) ? 'the default bucket; ' : '';
    inForce.push(
      `witness: s3://${witness.bucket}/${witness.prefix} (${named}COMPLIANCE, ${describeDuration(witness.retentionSeconds)}; ${witness.credentials ? 'written with its own credentials' : 'written with the same credentials as the archive bucket'})`,
    );
    if (!witness.credentials)
      notProven.push(
        'the witness shares the archive credentials: whoever can write manifests can also add witness records (SNAPSEAL_WITNESS_S3_ACCESS_KEY_ID)',
      );
  } else {
    inForce.push(`witness: off (opted out: SNAPSEAL_WITNESS_BUCKET=${WITNESS_OFF})`);
    notProven.push(
      `no witness: a cut tail (the newest archives deleted with their chain entries) cannot be detected (SNAPSEAL_WITNESS_BUCKET: leave it empty for the default <archive bucket>-witness, not ${WITNESS_OFF})`,
    );
  }

  if (archive.objectLockDays > 0) {
    const isDefault =
      String(archive.objectLockDays) === SETTINGS.SNAPSEAL_OBJECT_LOCK_DAYS!.default &&
      archive.objectLockMode === SETTINGS.SNAPSEAL_OBJECT_LOCK_MODE!.default;
    inForce.push(
      `retention: Object Lock ${archive.objectLockMode}, ${archive.objectLockDays} days on every sealed object${isDefault ? ' (the default)' : ''}`,
    );
    if (archive.objectLockMode === 'GOVERNANCE')
      notProven.push(
        'GOVERNANCE retention can be shortened by anyone allowed s3:BypassGovernanceRetention: only verify notices it (SNAPSEAL_OBJECT_LOCK_MODE=COMPLIANCE)',
      );
  } else {
    inForce.push(
      'retention: none set at sealing (opted out: SNAPSEAL_OBJECT_LOCK_DAYS=0; the bucket default, if any)',
    );
    notProven.push(
      `no retention: a bucket writer can delete every version of an archive; verify reports it missing, nothing brings it back (SNAPSEAL_OBJECT_LOCK_DAYS, default ${SETTINGS.SNAPSEAL_OBJECT_LOCK_DAYS!.default})`,
    );
  }

  if (evidence.tsaUrls.length > 0) {
    inForce.push(
      `time evidence: RFC 3161 tokens from ${evidence.tsaUrls.join(', ')} (${evidence.tsaRequired} of ${evidence.tsaUrls.length} must verify)`,
    );
  } else {
    inForce.push('time evidence: off (SNAPSEAL_TSA_URL is empty: there is no default authority)');
    notProven.push(
      "no time-stamp authority: a manifest's createdAt is the signer's word, so a key thief can back-date one (SNAPSEAL_TSA_URLS)",
    );
  }
  return { inForce, notProven };
}

/** The human form: the lines in force, then what is not proven. */
export function describeAssurance({ inForce, notProven }: Assurance): string {
  return [
    'assurance in force:',
    ...inForce.map((l) => `  ${l}`),
    ...(notProven.length > 0 ? ['not proven with these settings:', ...notProven.map((l) => `  - ${l}`)] : []),
  ].join('\n');
}
