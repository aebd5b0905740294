// Before a seal signs a link to the chain, the link target is proven: the chain entries are plain JSON anyone
// with bucket write access could plant, so the sequence and digest a new manifest links to are taken only
// from a manifest whose signature verifies and whose digest, sequence and id equal the entry's.
import { archiveBucketOf } from '../buckets/buckets';
import { TamperedObjectError } from '../buckets/trust';
import { readChainEntry, type ChainEntry, type ChainLink } from './archive-chain';
import {
  authenticateManifest,
  ManifestNotAuthentic,
  type AuthenticatedManifest,
  type ManifestStore,
} from './authenticated-manifest';

/** The entry's manifest is not (yet) there: a concurrent seal between claim and write, retried. */
export class ChainLinkPending extends Error {
  override name = 'ChainLinkPending';
}

export type ChainLinkDeps = ManifestStore;

/** Proves that `entry` names a signed manifest with exactly its id, sequence, digest and link; returns it. */
export async function assertEntryAuthentic(
  deps: ChainLinkDeps,
  entry: ChainEntry,
): Promise<AuthenticatedManifest> {
  let authentic;
  try {
    authentic = await authenticateManifest(deps, entry.archiveId);
  } catch (err) {
    if (err instanceof ManifestNotAuthentic && err.missing) {
      throw new ChainLinkPending(
        `Chain entry #${entry.sequence} names archive ${entry.archiveId}, whose manifest is not written yet (a seal in progress, or a planted entry)`,
      );
    }
    throw err;
  }
  const { manifest, ref } = authentic;
  const differs: string[] = [];
  if (ref.sha256 !== entry.manifestSha256) differs.push(`manifest sha256 ${ref.sha256}`);
  if (manifest.sequence !== entry.sequence) differs.push(`sequence ${manifest.sequence}`);
  if (!sameLink(manifest.previous, entry.previous)) differs.push('its previous link');
  if (differs.length > 0) {
    throw new ManifestNotAuthentic(
      `chain entry #${entry.sequence} (${entry.archiveId}) does not match the signed manifest (${differs.join(', ')} differ): planted or altered`,
    );
  }
  return authentic;
}

/**
 * Proves the link a seal of `archiveId` is about to sign, given the chain head it read: the head itself, or,
 * when an earlier attempt of this seal claimed the head already, the entry before it. Returns that
 * predecessor's authenticated manifest (its signer decides whether the seal needs a key rotation record);
 * undefined when the seal starts the chain.
 */
export async function assertLinkTargetAuthentic(
  deps: ChainLinkDeps,
  head: ChainEntry | undefined,
  archiveId: string,
): Promise<AuthenticatedManifest | undefined> {
  if (!head) return undefined;
  if (head.archiveId !== archiveId) return assertEntryAuthentic(deps, head);
  if (head.sequence === 1) {
    if (head.previous !== null)
      throw new ManifestNotAuthentic(
        `chain entry #1 links to ${head.previous.archiveId}: planted or altered`,
      );
    return undefined;
  }
  let before: ChainEntry | undefined;
  try {
    before = await readChainEntry(archiveBucketOf(deps), head.sequence - 1);
  } catch (err) {
    if (err instanceof TamperedObjectError) throw new ManifestNotAuthentic(err.message);
    throw err;
  }
  if (!before || !sameLink(head.previous, before)) {
    throw new ManifestNotAuthentic(
      `chain entry #${head.sequence} for this archive links to ${head.previous?.archiveId ?? 'nothing'}, not to entry #${head.sequence - 1}: planted or altered`,
    );
  }
  return assertEntryAuthentic(deps, before);
}

function sameLink(a: ChainLink | null, b: ChainLink | null): boolean {
  if (a === null || b === null) return a === b;
  return a.archiveId === b.archiveId && a.manifestSha256 === b.manifestSha256;
}
