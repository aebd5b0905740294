// The archive manifest: what was archived and every checksum, linked to the previous archive. Serialised
// canonically (sorted keys, 2-space JSON, trailing newline) and signed with a detached, armored OpenPGP
// signature, so `gpg --verify manifest.json.asc manifest.json` checks it without snapseal.
import * as openpgp from 'openpgp';
import type { PrivateKey, PublicKey } from 'openpgp';
import { z } from 'zod';
import { canonicalJson } from './canonical-json';
import { fingerprint } from './openpgp-keys';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 hex digest');
const count = z.number().int().nonnegative();

const fileSchema = z.object({ path: z.string().min(1), size: count, sha256 });

export const manifestSchema = z.object({
  format: z.literal('snapseal-manifest/1'),
  archiveId: z.string().min(1),
  sequence: z.number().int().positive(),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  createdAt: z.string(),
  tool: z.object({ name: z.string(), version: z.string() }),
  cluster: z.object({ name: z.string(), uuid: z.string(), version: z.string(), distribution: z.string() }),
  snapshot: z.object({ name: z.string(), uuid: z.string(), repositoryBasePath: z.string() }),
  indices: z.array(
    z.object({
      name: z.string(),
      uuid: z.string(),
      docCount: count,
      // Absent in older manifests: docCount was read before the snapshot started.
      docCountSource: z.enum(['snapshot-commit', 'before-snapshot']).optional(),
    }),
  ),
  recipients: z.array(z.string()),
  signer: z.string(),
  previous: z.object({ archiveId: z.string(), manifestSha256: sha256 }).nullable(),
  // Only in the first manifest a new archiver key signs: the key rotation record that hands the chain over to it
  // (src/keys/key-rotation.ts). Absent everywhere else, and in manifests older than rotation records.
  rotation: z.object({ key: z.string().min(1), sha256 }).optional(),
  // Only in a corrected archive of a day: the sealed archive it supersedes (which stays, and still verifies) and
  // the operator's reason. Absent everywhere else.
  supersedes: z
    .object({
      archiveId: z.string().min(1),
      sequence: z.number().int().positive(),
      manifestSha256: sha256,
      reason: z.string().min(1),
    })
    .optional(),
  // Only when the time-stamp authorities could not be reached through the seal's retries: the manifest was sealed
  // without its tokens, which are obtained later (`snapseal stamp`); they prove its existence from their genTime
  // only. Absent in every manifest stamped on time.
  lateStamp: z.object({ reason: z.literal('authorities-unreachable') }).optional(),
  volumes: z.array(
    z.object({
      index: z.number().int().positive(),
      key: z.string(),
      plaintextBytes: count,
      plaintextSha256: sha256,
      ciphertextBytes: count,
      ciphertextSha256: sha256,
      // The S3 version of the volume the seal verified and retained: readers fetch exactly that version. Absent
      // in manifests sealed before volume versions were recorded (readers then take the current version).
      versionId: z.string().min(1).optional(),
      files: z.array(fileSchema),
    }),
  ),
});

export type ArchiveManifest = z.infer<typeof manifestSchema>;

export class ManifestError extends Error {
  override name = 'ManifestError';
}

export function serializeManifest(manifest: ArchiveManifest): string {
  return canonicalJson(manifestSchema.parse(manifest));
}

export function parseManifest(text: string): ArchiveManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ManifestError(`The manifest is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ManifestError(
      `The manifest is malformed at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
    );
  }
  return parsed.data;
}

export async function signManifest(bytes: Uint8Array, signingKey: PrivateKey, date?: Date): Promise<string> {
  const message = await openpgp.createMessage({ binary: bytes });
  return (await openpgp.sign({
    message,
    signingKeys: signingKey,
    detached: true,
    format: 'armored',
    ...(date ? { date } : {}),
  })) as string;
}

/**
 * Checks a detached signature over `bytes` (a manifest, or another signed document named by `what`); returns the
 * signer's fingerprint, or throws a ManifestError saying why not.
 */
export async function verifyManifestSignature(
  bytes: Uint8Array,
  armoredSignature: string,
  keys: PublicKey[],
  what = 'manifest',
): Promise<string> {
  let signature: openpgp.Signature;
  try {
    signature = await openpgp.readSignature({ armoredSignature });
  } catch {
    throw new ManifestError('the signature file is not an armored OpenPGP signature');
  }
  const message = await openpgp.createMessage({ binary: bytes });
  const result = await openpgp.verify({ message, signature, verificationKeys: keys, expectSigned: false });
  const first = result.signatures[0];
  if (!first) throw new ManifestError('the signature file holds no signature');
  try {
    await first.verified;
  } catch (err) {
    const keyId = first.keyID.toHex().toUpperCase();
    const known = keys.some((k) => k.getKeys(first.keyID).length > 0);
    throw new ManifestError(
      known
        ? `signature by key ${keyId} is not valid for this ${what} (${(err as Error).message})`
        : `signed by key ${keyId}, which is not a trusted archiver key`,
    );
  }
  const signer = keys.find((k) => k.getKeys(first.keyID).length > 0);
  return signer ? fingerprint(signer) : first.keyID.toHex().toUpperCase();
}
