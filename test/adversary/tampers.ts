// The tampers a bucket writer can make without any key, applied through S3 exactly as such a writer would: swap
// in another archive's object of the same kind, delete (a delete marker), overwrite with a new version,
// truncate, and substitute a volume encrypted to the recipients' public key around a fabricated tar. Which
// tamper applies to which read site is decided by rule (applicability), never case by case.
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import * as openpgp from 'openpgp';
import { pack } from 'tar-stream';
import type { PublicKey } from 'openpgp';
import { objectKind, type ReadSite, type S3Request } from './read-sites';

export const TAMPER_KINDS = ['swap', 'delete', 'overwrite', 'truncate', 'forge'] as const;
export type TamperKind = (typeof TAMPER_KINDS)[number];

/** What the clean run's first request of a site found: its answer's status and, for a listing, the count. */
export interface CleanRead {
  status: number;
  listed?: number;
}

/**
 * Why a tamper kind cannot apply to a site (undefined: it applies). The rule, stated for the table.
 * `swappable`: "role:pattern" of every object a swap can take.
 */
export function inapplicable(
  kind: TamperKind,
  site: ReadSite,
  clean: CleanRead,
  swappable: Set<string>,
): string | undefined {
  if (site.bucketLevel) return 'bucket configuration: no object';
  if (site.operation === 'LIST-UPLOADS' || site.operation === 'LIST-PARTS')
    return 'in-progress uploads: no stored object';
  const found = site.listing ? (clean.listed ?? 0) > 0 : clean.status === 200;
  switch (kind) {
    case 'swap':
      if (site.listing) return found ? undefined : 'nothing listed to swap';
      return swappable.has(`${site.role}:${site.pattern.replace(/^restore\//, '')}`)
        ? undefined
        : 'no other object of this kind';
    case 'delete':
    case 'overwrite':
      return found ? undefined : 'nothing there to change';
    case 'truncate':
      if (site.listing) return 'a listing has no bytes';
      return found ? undefined : 'nothing there to change';
    case 'forge':
      return site.role === 'archive' && site.pattern.endsWith('.tar.gpg') ? undefined : 'not a volume';
  }
}

export interface TamperContext {
  s3: S3Client;
  /** Where objects of another archive of the same kind are found, per bucket (objects listed under them). */
  pools: Record<S3Request['role'], { bucket: string; prefix: string }>;
  recipients: PublicKey[];
}

/** What a tamper did, for the report. */
export interface AppliedTamper {
  kind: TamperKind;
  bucket: string;
  key: string;
  detail: string;
}

async function read(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await got.Body!.transformToByteArray());
}

async function listKeys(
  s3: S3Client,
  bucket: string,
  prefix: string,
): Promise<{ key: string; etag: string }[]> {
  const out: { key: string; etag: string }[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) out.push({ key: o.Key!, etag: o.ETag ?? '' });
    token = page.NextContinuationToken;
  } while (token);
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The archive (or run) an object belongs to: its prefix and first folder below it. */
function owner(key: string): string {
  return key.split('/').slice(0, 3).join('/');
}

/**
 * Another object of the same kind (same key pattern), other bytes, preferably of another archive: the first
 * in key order, so every run picks the same one.
 */
async function swapSource(
  ctx: TamperContext,
  role: S3Request['role'],
  key: string,
): Promise<string | undefined> {
  const pool = ctx.pools[role];
  const kind = objectKind(role, key);
  const etag = await ctx.s3
    .send(new HeadObjectCommand({ Bucket: pool.bucket, Key: key }))
    .then((h) => h.ETag ?? '')
    .catch(() => '');
  const candidates = (await listKeys(ctx.s3, pool.bucket, pool.prefix)).filter(
    (o) => o.key !== key && o.etag !== etag && objectKind(role, o.key) === kind,
  );
  return (candidates.find((o) => owner(o.key) !== owner(key)) ?? candidates[0])?.key;
}

/** One character near the middle changed: a hex digit to the next one where there is one, else one bit. */
export function overwritten(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  const middle = Math.floor(out.length / 2);
  const hex = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66);
  for (let d = 0; d < out.length; d++) {
    for (const i of [middle + d, middle - d]) {
      if (i >= 0 && i < out.length && hex(out[i]!)) {
        out[i] = out[i] === 0x39 ? 0x61 : out[i] === 0x66 ? 0x30 : out[i]! + 1;
        return out;
      }
    }
  }
  if (out.length > 0) out[middle]! ^= 0x01;
  return out;
}

/** A tar the attacker made up (no private key needed), encrypted to the recipients' public keys. */
export async function forgedVolume(recipients: PublicKey[]): Promise<Buffer> {
  const tar = pack();
  tar.entry(
    { name: 'indices/forged/0/__forged', mtime: new Date(Date.UTC(2000, 0, 1)) },
    'not the snapshot\n',
  );
  tar.entry({ name: 'index-0', mtime: new Date(Date.UTC(2000, 0, 1)) }, '{"snapshots":[]}');
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  const encrypted = await openpgp.encrypt({
    message: await openpgp.createMessage({ binary: Buffer.concat(chunks) }),
    encryptionKeys: recipients,
    format: 'binary',
  });
  return Buffer.from(encrypted);
}

/**
 * Applies `kind` to what `request` reads: the object itself, or for a listing the last object listed (the
 * newest of a chain or witness). Undefined when there turns out to be nothing to act on.
 */
export async function applyTamper(
  ctx: TamperContext,
  kind: TamperKind,
  request: S3Request,
): Promise<AppliedTamper | undefined> {
  const { s3, bucket } = { s3: ctx.s3, bucket: request.bucket };
  let key = request.key;
  if (request.listing) {
    const listed = await listKeys(s3, bucket, request.key);
    if (listed.length === 0) return undefined;
    key = listed[listed.length - 1]!.key;
  }
  const put = (body: Buffer) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  switch (kind) {
    case 'swap': {
      const source = await swapSource(ctx, request.role, key);
      if (!source) return undefined;
      await put(await read(s3, ctx.pools[request.role].bucket, source));
      return { kind, bucket, key, detail: `replaced by a copy of ${source}` };
    }
    case 'delete':
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      return { kind, bucket, key, detail: 'deleted (delete marker)' };
    case 'overwrite': {
      const bytes = await read(s3, bucket, key).catch(() => undefined);
      if (!bytes) return undefined;
      await put(overwritten(bytes));
      return {
        kind,
        bucket,
        key,
        detail: `overwritten (a new version, one character changed of ${bytes.length} bytes)`,
      };
    }
    case 'truncate': {
      const bytes = await read(s3, bucket, key).catch(() => undefined);
      if (!bytes) return undefined;
      await put(bytes.subarray(0, Math.floor(bytes.length / 2)));
      return {
        kind,
        bucket,
        key,
        detail: `truncated (a new version of its first ${Math.floor(bytes.length / 2)} bytes)`,
      };
    }
    case 'forge':
      await put(await forgedVolume(ctx.recipients));
      return {
        kind,
        bucket,
        key,
        detail: 'replaced by a fabricated tar encrypted to the recipients’ public keys',
      };
  }
}
