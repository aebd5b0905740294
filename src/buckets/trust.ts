// What vouches for bytes read back from a bucket. Nothing read back is trusted on its own: a bucket writer holds
// no key, but can put, overwrite and delete any object. Every read through a bucket adapter (./bucket.ts) is one of:
// - bound: the caller holds the sha256 (and where there is one, the S3 VersionId) that Temporal history, a
//   heartbeat's details or a verified signature carries; bytes that differ are a TamperedObjectError;
// - evidence: a record written once and kept under retention (chain entries, witness records, retention and
//   rotation records); its oldest version is the record and anything written over it is reported by name;
// - listed: a version a check of the key's history has just named (the snapshot repository's blobs, whose
//   histories must show what the cluster wrote: ./snapshot-repository.ts); the read must be answered with
//   exactly that version and ETag, and the version travels on in history (the volume plan);
// - unbound: only for bytes checked afterwards against something bound; the caller says what checks them.

/** Who vouches for the digest a bound read is checked against. */
export type Voucher = 'history' | 'heartbeat' | 'signature' | 'plan';

export interface Vouch {
  /** Where the digest comes from (for the error message and for reading the call site). */
  by: Voucher;
  /** Lowercase hex sha256 of the exact bytes expected. */
  sha256: string;
  /** The version written, when the writer saw one (versioned buckets): the read asks for exactly that one. */
  versionId?: string;
}

/** A version a history check named: a listed read is refused unless the server answers with exactly it. */
export interface ListedVersion {
  versionId: string;
  /** As the listing gave it, quotes included (what If-Match expects). */
  etag: string;
  /** What named it, for the error message (e.g. "the check of the snapshot repository's history"). */
  by: string;
}

/** Bytes in a bucket that differ from what vouches for them, or a written-once record written over. */
export class TamperedObjectError extends Error {
  override name = 'TamperedObjectError';
  constructor(
    readonly bucket: string,
    readonly key: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`s3://${bucket}/${key}: ${problem}`, options);
  }
}
