// One bucket (and prefix) of snapseal's, owned by one adapter, through which every read and write goes. Its read
// methods say what vouches for the bytes (./trust.ts); the per-bucket adapters (archive, staging, witness) add
// their layout on top. No activity calls the S3 client for these buckets itself.
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { describeS3Error, isNotFound, isPreconditionFailed } from '../s3/s3-errors';
import { TamperedObjectError, type ListedVersion, type Vouch } from './trust';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A written-once record as the bucket's version history shows it. */
export interface EvidenceObject {
  key: string;
  bytes: Buffer;
  sha256: string;
  /** The version read: the key's oldest ("null" where the bucket is not versioned). */
  versionId: string;
}

/** One key's history under a prefix, oldest first. */
export interface KeyHistory {
  key: string;
  versions: { versionId: string; lastModified?: Date; size: number; etag: string; isLatest?: boolean }[];
  deleteMarkers: { versionId: string; lastModified?: Date }[];
}

export interface WrittenObject {
  key: string;
  /** The version the server created ("null" or undefined where the bucket is not versioned). */
  versionId?: string;
}

export class Bucket {
  constructor(
    readonly s3: S3Client,
    readonly name: string,
    /** The adapter's prefix inside the bucket ('' or ending in "/"). */
    readonly prefix: string,
  ) {}

  url(key: string): string {
    return `s3://${this.name}/${key}`;
  }

  /**
   * Bytes of `key` that must be exactly what `vouch` names. Missing, another version, or other bytes: a
   * TamperedObjectError naming the object and the voucher.
   */
  async readBound(key: string, vouch: Vouch): Promise<Buffer> {
    const bytes = await this.get(key, vouch.versionId);
    if (!bytes) {
      throw new TamperedObjectError(
        this.name,
        key,
        `missing${vouch.versionId ? ` (version ${vouch.versionId})` : ''}, though the ${describeVoucher(vouch)} names it`,
      );
    }
    const sha256 = sha256Hex(bytes);
    if (sha256 !== vouch.sha256) {
      throw new TamperedObjectError(
        this.name,
        key,
        `sha256 ${sha256}, not ${vouch.sha256} as the ${describeVoucher(vouch)} says: the object was replaced`,
      );
    }
    return bytes;
  }

  /**
   * Bytes that nothing vouches for yet; `checkedBy` says what the caller checks them against afterwards (it is
   * there for the reader of the call site). Undefined when the object does not exist.
   */
  async readUnbound(key: string, checkedBy: string): Promise<Buffer | undefined> {
    void checkedBy;
    return this.get(key);
  }

  /**
   * The version of `key` that a check of its history just named (`listed`), read as the key's current object:
   * the server must answer with exactly that version and ETag. A later version, a delete marker, or the key
   * gone: a TamperedObjectError saying what the listing vouched for. Asks for no version by id, so it needs
   * no permission beyond reading the object.
   */
  async readListed(key: string, listed: ListedVersion): Promise<Buffer> {
    const got = await this.openListed(key, listed);
    return Buffer.from(await got.transformToByteArray());
  }

  /** The body of the version `listed` names, as a stream (see readListed), for a caller that streams it. */
  async openListed(
    key: string,
    listed: ListedVersion,
    signal?: AbortSignal,
  ): Promise<NonNullable<GetObjectCommandOutput['Body']>> {
    let got: GetObjectCommandOutput;
    try {
      got = await this.s3.send(new GetObjectCommand({ Bucket: this.name, Key: key, IfMatch: listed.etag }), {
        abortSignal: signal,
      });
    } catch (err) {
      if (isNotFound(err) || isPreconditionFailed(err)) {
        throw new TamperedObjectError(
          this.name,
          key,
          `${isNotFound(err) ? 'deleted' : 'written over'} since ${listed.by} named its version ${listed.versionId} (ETag ${listed.etag})`,
          { cause: err },
        );
      }
      throw new Error(`Reading ${this.url(key)} failed: ${describeS3Error(err)}`, { cause: err });
    }
    if ((got.VersionId ?? 'null') !== listed.versionId) {
      destroyBody(got.Body);
      throw new TamperedObjectError(
        this.name,
        key,
        `its current version is ${got.VersionId ?? 'unversioned'}, not ${listed.versionId} as ${listed.by} named it: written over with the same bytes`,
      );
    }
    return got.Body!;
  }

  /**
   * A written-once record: the key's oldest version. Any later version or delete marker on the key is
   * tampering (records are written once, with If-None-Match, and kept under retention), reported by name.
   * Undefined only when the key never had a version.
   */
  async readEvidence(key: string): Promise<EvidenceObject | undefined> {
    const history = (await this.histories(key)).find((h) => h.key === key);
    if (!history) return undefined;
    const { record, writtenOver } = await this.readRecordOf(history);
    if (writtenOver) throw writtenOver;
    return record;
  }

  /**
   * The record a key's history holds (its oldest version) and, when anything was written over it, that
   * tampering named beside it: for checks that report every problem and go on with the record. `record` is
   * undefined only when no version is left (then `writtenOver` says so).
   */
  async readRecordOf(
    history: KeyHistory,
  ): Promise<{ record?: EvidenceObject; writtenOver?: TamperedObjectError }> {
    const { key } = history;
    if (history.versions.length === 0) {
      return {
        writtenOver: new TamperedObjectError(
          this.name,
          key,
          'deleted: only a delete marker is left of a record',
        ),
      };
    }
    let writtenOver: TamperedObjectError | undefined;
    try {
      assertWrittenOnce(this.name, history);
    } catch (err) {
      if (!(err instanceof TamperedObjectError)) throw err;
      writtenOver = err;
    }
    const { versionId } = history.versions[0]!;
    const bytes = await this.get(key, versionId);
    if (!bytes) throw new TamperedObjectError(this.name, key, `version ${versionId} vanished while read`);
    if (!writtenOver) {
      // Looked at again after the read: a version or delete marker written while this read ran is named too.
      const after = (await this.histories(key)).find((h) => h.key === key);
      try {
        if (after) assertWrittenOnce(this.name, after);
      } catch (err) {
        if (!(err instanceof TamperedObjectError)) throw err;
        writtenOver = err;
      }
    }
    return { record: { key, bytes, sha256: sha256Hex(bytes), versionId }, writtenOver };
  }

  /**
   * Every key that ever had a version or a delete marker under `prefix`, sorted by key, each with its history
   * oldest first: a key whose current version is a delete marker is still listed (a plain delete hides
   * nothing here).
   */
  async histories(prefix: string): Promise<KeyHistory[]> {
    const byKey = new Map<string, KeyHistory>();
    const entry = (key: string): KeyHistory => {
      let h = byKey.get(key);
      if (!h) byKey.set(key, (h = { key, versions: [], deleteMarkers: [] }));
      return h;
    };
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectVersionsCommand({
          Bucket: this.name,
          Prefix: prefix,
          KeyMarker: keyMarker,
          VersionIdMarker: versionIdMarker,
        }),
      );
      for (const v of page.Versions ?? []) {
        entry(v.Key!).versions.push({
          versionId: v.VersionId ?? 'null',
          lastModified: v.LastModified,
          size: v.Size ?? 0,
          etag: v.ETag ?? '',
          ...(v.IsLatest ? { isLatest: true } : {}),
        });
      }
      for (const m of page.DeleteMarkers ?? []) {
        entry(m.Key!).deleteMarkers.push({ versionId: m.VersionId ?? 'null', lastModified: m.LastModified });
      }
      const more = page.IsTruncated === true;
      keyMarker = more ? page.NextKeyMarker : undefined;
      versionIdMarker = more ? page.NextVersionIdMarker : undefined;
    } while (keyMarker !== undefined);
    const byTime = (a: { lastModified?: Date }, b: { lastModified?: Date }): number =>
      (a.lastModified?.getTime() ?? 0) - (b.lastModified?.getTime() ?? 0);
    return [...byKey.values()]
      .map((h) => ({ ...h, versions: h.versions.sort(byTime), deleteMarkers: h.deleteMarkers.sort(byTime) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async put(
    key: string,
    body: string | Uint8Array,
    extra: Partial<PutObjectCommandInput> = {},
  ): Promise<WrittenObject> {
    const out = await this.s3.send(
      new PutObjectCommand({
        Bucket: this.name,
        Key: key,
        Body: body,
        ChecksumAlgorithm: 'SHA256',
        ...extra,
      }),
    );
    return { key, versionId: out.VersionId };
  }

  /** Size and version of the current object, undefined when there is none. */
  async head(key: string): Promise<{ size: number; versionId?: string; etag: string } | undefined> {
    try {
      const h = await this.s3.send(new HeadObjectCommand({ Bucket: this.name, Key: key }));
      return { size: h.ContentLength ?? 0, versionId: h.VersionId, etag: h.ETag ?? '' };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw new Error(`Reading ${this.url(key)} failed: ${describeS3Error(err)}`, { cause: err });
    }
  }

  private async get(key: string, versionId?: string): Promise<Buffer | undefined> {
    try {
      const got = await this.s3.send(
        new GetObjectCommand({ Bucket: this.name, Key: key, ...(versionId ? { VersionId: versionId } : {}) }),
      );
      return Buffer.from(await got.Body!.transformToByteArray());
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw new Error(`Reading ${this.url(key)} failed: ${describeS3Error(err)}`, { cause: err });
    }
  }
}

/** A record's history must be one version and no delete marker; anything else names what was written over it. */
export function assertWrittenOnce(bucket: string, history: KeyHistory): void {
  const later = history.versions.length - 1;
  const markers = history.deleteMarkers.length;
  if (later === 0 && markers === 0) return;
  const what = [
    later > 0 ? `${later} later version(s)` : '',
    markers > 0 ? `${markers} delete marker(s)` : '',
  ]
    .filter(Boolean)
    .join(' and ');
  throw new TamperedObjectError(
    bucket,
    history.key,
    `written over after it was recorded: ${what} over version ${history.versions[0]?.versionId ?? '?'} (records are written once)`,
  );
}

function destroyBody(body: unknown): void {
  (body as { destroy?: () => void } | undefined)?.destroy?.();
}

function describeVoucher(vouch: Vouch): string {
  switch (vouch.by) {
    case 'history':
      return 'Temporal history';
    case 'heartbeat':
      return "activity's heartbeat details";
    case 'signature':
      return 'signed manifest';
    case 'plan':
      return 'volume plan digest';
  }
}
