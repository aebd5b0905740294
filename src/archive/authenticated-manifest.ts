// The one way to trust a manifest: read it (size-capped) with its detached signature, check the signature
// against the trusted archiver keys and that it names the archive asked for. Later steps get a ManifestRef
// (S3 version and sha256) and re-read exactly those bytes, so a manifest swapped in between is refused.
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { PublicKey } from 'openpgp';
import type { Config } from '../config';
import {
  ManifestError,
  parseManifest,
  verifyManifestSignature,
  type ArchiveManifest,
} from '../pipeline/manifest';
import { isNotFound } from '../s3/s3-errors';
import { archiveLayout } from './archive-layout';

/** A manifest and its signature are small; anything larger is refused before it is read into memory. */
export const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
export const MAX_SIGNATURE_BYTES = 64 * 1024;

/** Where sealed manifests live and whose signatures are trusted: built once, by manifestStore. */
export interface ManifestStore {
  s3: S3Client;
  bucket: string;
  archivePrefix: string;
  /** The trusted archiver keys (src/keys/trusted-signers.ts). */
  trustedKeys: PublicKey[];
}

/** The one way every caller (activities, CLI, chain check) names the archive bucket and the trusted signers. */
export function manifestStore(
  config: Pick<Config, 'archive'>,
  s3: S3Client,
  trustedKeys: PublicKey[],
): ManifestStore {
  return { s3, bucket: config.archive.bucket, archivePrefix: config.archive.prefix, trustedKeys };
}

/** Names the exact manifest bytes that were authenticated. JSON-friendly: it travels through workflow history. */
export interface ManifestRef {
  archiveId: string;
  key: string;
  /** The S3 object version read (absent on an unversioned bucket: the digest alone then binds the bytes). */
  versionId?: string;
  sha256: string;
}

export interface AuthenticatedManifest {
  manifest: ArchiveManifest;
  text: string;
  signer: string;
  ref: ManifestRef;
}

/** Why a manifest is not to be trusted. `missing` tells an absent archive from a forged one. */
export class ManifestNotAuthentic extends Error {
  override name = 'ManifestNotAuthentic';
  constructor(
    message: string,
    readonly missing = false,
  ) {
    super(message);
  }
}

async function readCapped(
  s3: S3Client,
  bucket: string,
  key: string,
  limit: number,
  versionId?: string,
): Promise<{ text: string; versionId?: string } | undefined> {
  let got;
  try {
    got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  if ((got.ContentLength ?? 0) > limit) {
    got.Body?.transformToWebStream()
      .cancel()
      .catch(() => undefined);
    throw new ManifestNotAuthentic(
      `s3://${bucket}/${key} is ${got.ContentLength} bytes, more than the ${limit} a snapseal manifest or signature may hold`,
    );
  }
  return { text: (await got.Body?.transformToString('utf8')) ?? '', versionId: got.VersionId };
}

const sha256Of = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Reads the manifest in archive folder `folder` and its signature (both size-capped) and checks the signature
 * against the trusted keys. Says nothing of which archive it is: callers compare `manifest.archiveId`.
 */
export async function authenticateManifestIn(
  store: ManifestStore,
  folder: string,
): Promise<AuthenticatedManifest> {
  const { s3, bucket, trustedKeys } = store;
  const { manifestKey, signatureKey } = archiveLayout(store.archivePrefix, folder);
  const where = `s3://${bucket}/${manifestKey}`;
  if (trustedKeys.length === 0) {
    throw new ManifestNotAuthentic(
      `${where} cannot be checked: this worker has no trusted archiver key (SNAPSEAL_TRUSTED_SIGNER_FINGERPRINTS, SNAPSEAL_VERIFY_KEY_FILES)`,
    );
  }
  const manifestObject = await readCapped(s3, bucket, manifestKey, MAX_MANIFEST_BYTES);
  if (!manifestObject) {
    throw new ManifestNotAuthentic(
      `No manifest at ${where}: the archive is missing or was never sealed`,
      true,
    );
  }
  const signature = await readCapped(s3, bucket, signatureKey, MAX_SIGNATURE_BYTES);
  if (!signature) throw new ManifestNotAuthentic(`${where} has no signature (${signatureKey} is missing)`);
  let signer: string;
  let manifest: ArchiveManifest;
  try {
    signer = await verifyManifestSignature(
      Buffer.from(manifestObject.text, 'utf8'),
      signature.text,
      trustedKeys,
    );
    manifest = parseManifest(manifestObject.text);
  } catch (err) {
    if (err instanceof ManifestError) throw new ManifestNotAuthentic(`${where}: ${err.message}`);
    throw err;
  }
  return {
    manifest,
    text: manifestObject.text,
    signer,
    ref: {
      archiveId: manifest.archiveId,
      key: manifestKey,
      versionId: manifestObject.versionId,
      sha256: sha256Of(manifestObject.text),
    },
  };
}

/** The manifest of `archiveId`, authenticated: signed by a trusted archiver and naming this very archive. */
export async function authenticateManifest(
  store: ManifestStore,
  archiveId: string,
): Promise<AuthenticatedManifest> {
  const authentic = await authenticateManifestIn(store, archiveId);
  if (authentic.manifest.archiveId !== archiveId) {
    throw new ManifestNotAuthentic(
      `s3://${store.bucket}/${authentic.ref.key} is a signed manifest of archive ${authentic.manifest.archiveId}, not of ${archiveId}: copied or replayed`,
    );
  }
  return authentic;
}

/** Re-reads the manifest a ManifestRef names; refuses any other bytes. */
export async function readAuthenticatedManifest(
  s3: S3Client,
  bucket: string,
  ref: ManifestRef,
): Promise<ArchiveManifest> {
  const where = `s3://${bucket}/${ref.key}`;
  const object = await readCapped(s3, bucket, ref.key, MAX_MANIFEST_BYTES, ref.versionId);
  if (!object) throw new ManifestNotAuthentic(`The authenticated manifest ${where} is gone`, true);
  if (sha256Of(object.text) !== ref.sha256) {
    throw new ManifestNotAuthentic(
      `${where} changed after its signature was checked (sha256 ${sha256Of(object.text)}, authenticated ${ref.sha256})`,
    );
  }
  const manifest = parseManifest(object.text);
  if (manifest.archiveId !== ref.archiveId) {
    throw new ManifestNotAuthentic(`${where} names archive ${manifest.archiveId}, not ${ref.archiveId}`);
  }
  return manifest;
}
