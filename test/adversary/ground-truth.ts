// What the cluster's snapshot really held, and what a signed manifest really vouches for, read with a direct S3
// client and the test's recipient private key: the two sides of "no manifest signed over other content".
import { createHash } from 'node:crypto';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Client as OpenSearch } from '@opensearch-project/opensearch';
import * as openpgp from 'openpgp';
import type { PrivateKey, PublicKey } from 'openpgp';
import { extract } from 'tar-stream';
import { parseManifest, type ArchiveManifest } from '../../src/pipeline/manifest';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** File path (inside the repository) → sha256, for every blob a volume would hold (all but tests-*). */
export type SnapshotFiles = Map<string, string>;

export async function readObject(
  s3: S3Client,
  bucket: string,
  key: string,
  versionId?: string,
): Promise<Buffer> {
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  return Buffer.from(await got.Body!.transformToByteArray());
}

export async function snapshotFiles(s3: S3Client, bucket: string, basePath: string): Promise<SnapshotFiles> {
  const files: SnapshotFiles = new Map();
  const prefix = `${basePath}/`;
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) {
      const path = o.Key!.slice(prefix.length);
      if (path === '' || path.startsWith('tests-')) continue;
      files.set(path, sha256(await readObject(s3, bucket, o.Key!)));
    }
    token = page.NextContinuationToken;
  } while (token);
  return files;
}

/** Every stored version of `key` (delete markers left out), oldest first. */
export async function versionsOf(s3: S3Client, bucket: string, key: string): Promise<string[]> {
  const got = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }));
  return (got.Versions ?? [])
    .filter((v) => v.Key === key)
    .sort((a, b) => (a.LastModified?.getTime() ?? 0) - (b.LastModified?.getTime() ?? 0))
    .map((v) => v.VersionId!);
}

async function untar(bytes: Uint8Array): Promise<SnapshotFiles> {
  const files: SnapshotFiles = new Map();
  const unpack = extract();
  const done = new Promise<void>((resolve, reject) => {
    unpack.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => void chunks.push(c as Buffer));
      stream.on('end', () => {
        files.set(header.name, sha256(Buffer.concat(chunks)));
        next();
      });
      stream.on('error', reject);
    });
    unpack.on('finish', resolve);
    unpack.on('error', reject);
  });
  unpack.end(Buffer.from(bytes));
  await done;
  return files;
}

/** The signed manifests among `manifestVersions`: those a `signatureVersions` signature by `signer` covers. */
export async function signedManifests(
  s3: S3Client,
  bucket: string,
  keys: { manifest: string; signature: string },
  versions: { manifest: string[]; signature: string[] },
  signer: PublicKey,
): Promise<{ bytes: Buffer; manifest: ArchiveManifest }[]> {
  const signed: { bytes: Buffer; manifest: ArchiveManifest }[] = [];
  for (const m of versions.manifest) {
    const bytes = await readObject(s3, bucket, keys.manifest, m);
    for (const s of versions.signature) {
      const armored = (await readObject(s3, bucket, keys.signature, s)).toString('utf8');
      const ok = await openpgp
        .verify({
          message: await openpgp.createMessage({ binary: bytes }),
          signature: await openpgp.readSignature({ armoredSignature: armored }),
          verificationKeys: signer,
          expectSigned: true,
        })
        .then(
          () => true,
          () => false,
        );
      if (ok) {
        signed.push({ bytes, manifest: parseManifest(bytes.toString('utf8')) });
        break;
      }
    }
  }
  return signed;
}

/**
 * How the content a signed manifest vouches for differs from the snapshot: each volume is the stored version
 * whose sha256 the manifest names, decrypted and unpacked; its files, and the files the manifest lists, must be
 * exactly the snapshot's. Empty when they are the same.
 */
export async function sealedContentDifferences(
  s3: S3Client,
  bucket: string,
  manifest: ArchiveManifest,
  snapshot: SnapshotFiles | undefined,
  decryptionKey: PrivateKey,
): Promise<string[]> {
  if (!snapshot) {
    return [`signed over ${manifest.snapshot.repositoryBasePath}, which is not this run's snapshot`];
  }
  const differences: string[] = [];
  const sealed: SnapshotFiles = new Map();
  for (const volume of manifest.volumes) {
    let found: Buffer | undefined;
    for (const v of await versionsOf(s3, bucket, volume.key)) {
      const bytes = await readObject(s3, bucket, volume.key, v);
      if (sha256(bytes) === volume.ciphertextSha256) found = bytes;
    }
    if (!found) {
      differences.push(`${volume.key}: no stored version has the signed sha256`);
      continue;
    }
    const { data } = await openpgp.decrypt({
      message: await openpgp.readMessage({ binaryMessage: found }),
      decryptionKeys: decryptionKey,
      format: 'binary',
    });
    for (const [path, digest] of await untar(data)) sealed.set(path, digest);
  }
  const declared: SnapshotFiles = new Map(
    manifest.volumes.flatMap((v) => v.files.map((f): [string, string] => [f.path, f.sha256])),
  );
  // What the volumes hold, and what the signed manifest says they hold: both must be the snapshot.
  for (const [what, files] of [
    ['sealed', sealed],
    ['declared in the manifest', declared],
  ] as const) {
    for (const [path, digest] of files) {
      if (!snapshot.has(path)) differences.push(`${path}: ${what}, but not in the snapshot`);
      else if (snapshot.get(path) !== digest)
        differences.push(`${path}: ${what} with other bytes than the snapshot's`);
    }
    for (const path of snapshot.keys())
      if (!files.has(path)) differences.push(`${path}: in the snapshot, not ${what}`);
  }
  return differences;
}

/** The documents of an index as one digest (ids and sources, order-free), and their count. */
export async function indexDigest(
  search: OpenSearch,
  index: string,
): Promise<{ docs: number; sha256: string }> {
  await search.indices.refresh({ index });
  const got = await search.search({ index, body: { size: 10_000, query: { match_all: {} } } });
  const hits = (got.body.hits.hits as { _id: string; _source: unknown }[])
    .map((h) => `${h._id}\n${JSON.stringify(h._source)}`)
    .sort();
  return { docs: hits.length, sha256: sha256(Buffer.from(hits.join('\n'))) };
}
