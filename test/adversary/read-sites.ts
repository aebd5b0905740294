// What a request through the tampering proxy is (bucket, operation, key or listed prefix) and which read site it
// belongs to: the operation and a key pattern in which archive ids, run folders, sequence numbers, volume
// numbers and snapshot blob names are generic, so one site stands for every request of its kind.

/** The buckets of one suite, by role. */
export interface SuiteBuckets {
  staging: string;
  archive: string;
  witness: string;
}

export type BucketRole = keyof SuiteBuckets;

export interface S3Request {
  method: string;
  role: BucketRole;
  bucket: string;
  /** GET, HEAD, LIST, LIST-VERSIONS, LIST-UPLOADS, GET-RETENTION, GET-<subresource>, or PUT/DELETE/POST. */
  operation: string;
  /** The object's key; for a listing, the prefix listed ('' for the whole bucket). */
  key: string;
  /** A listing: the key is a prefix. */
  listing: boolean;
  /** A bucket-level request that names no object (configuration, HEAD bucket). */
  bucketLevel: boolean;
}

/** Parses a path-style S3 request; undefined for a bucket this suite does not own. */
export function parseS3Request(buckets: SuiteBuckets, method: string, path: string): S3Request | undefined {
  const url = new URL(path, 'http://proxy');
  const [, bucket = '', ...rest] = url.pathname.split('/');
  const role = (Object.keys(buckets) as BucketRole[]).find((r) => buckets[r] === bucket);
  if (!role) return undefined;
  const key = decodeURIComponent(rest.join('/'));
  const q = url.searchParams;
  const base = { method, role, bucket };
  if (key === '') {
    if (method === 'GET' && q.get('list-type') === '2')
      return { ...base, operation: 'LIST', key: q.get('prefix') ?? '', listing: true, bucketLevel: false };
    if (method === 'GET' && q.has('versions'))
      return {
        ...base,
        operation: 'LIST-VERSIONS',
        key: q.get('prefix') ?? '',
        listing: true,
        bucketLevel: false,
      };
    if (method === 'GET' && q.has('uploads'))
      return {
        ...base,
        operation: 'LIST-UPLOADS',
        key: q.get('prefix') ?? '',
        listing: true,
        bucketLevel: false,
      };
    const sub = [...q.keys()][0];
    return {
      ...base,
      operation: sub ? `${method}-BUCKET-${sub.toUpperCase()}` : `${method}-BUCKET`,
      key: '',
      listing: false,
      bucketLevel: true,
    };
  }
  const sub = [...q.keys()].find(
    (k) => !k.startsWith('x-id') && k !== 'partNumber' && k !== 'uploadId' && k !== 'versionId',
  );
  // A read of one version by its id (a bound read) is a site of its own: "GET@version".
  const operation =
    method === 'GET' && q.has('uploadId')
      ? 'LIST-PARTS'
      : (method === 'GET' || method === 'HEAD') && sub
        ? `${method}-${sub.toUpperCase()}${q.has('versionId') ? '@version' : ''}`
        : `${method}${q.has('versionId') ? '@version' : ''}`;
  return { ...base, operation, key, listing: false, bucketLevel: false };
}

/** A read: what an attacker can answer differently by writing the bucket first. */
export function isRead(request: S3Request): boolean {
  return request.method === 'GET' || request.method === 'HEAD';
}

/**
 * The key's pattern. Every prefix in this suite is one path segment, so the layout below it is what a pattern
 * keeps: archive `<prefix>/<id>/volume-NNNN.tar.gpg`, `<prefix>/chain/<seq>.json`; staging
 * `<id>/<run>/work/...`, `<id>/<run>/repository/indices/<uuid>/<n>/__<uuid>`, `restore/<id>/<run>/...`; witness
 * `<witness>/<seq>.json`.
 */
export function keyPattern(role: BucketRole, key: string): string {
  const segments = key.split('/');
  const generic = (rest: string): string =>
    rest
      .replace(/volume-\d{4}/g, 'volume-NNNN')
      .replace(/\b\d{8}\b/g, '<seq>')
      .replace(/page-\d{6}/g, 'page-NNNNNN')
      .replace(/index-\d+/g, 'index-N')
      // Snapshot blobs keep what they are: snap-/meta- metadata, __ data.
      .replace(/^(snap-|meta-|__)[A-Za-z0-9_-]+/, '$1<uuid>')
      .replace(/[A-Za-z0-9_-]{20,}/g, '<uuid>');
  if (segments.length <= 1) return `<${role}>/${generic(key)}`;
  const below = segments.slice(1);
  if (role === 'witness') return `<witness>/${generic(below.join('/'))}`;
  const restore = role === 'staging' && below[0] === 'restore';
  const parts = restore ? below.slice(1) : below;
  const named = (part: string, i: number): string =>
    part === '' || (role === 'archive' && part === 'chain')
      ? part
      : i === 0
        ? '<id>'
        : i === 1 && role === 'staging'
          ? '<run>'
          : /^\d+$/.test(part)
            ? '<n>'
            : generic(part);
  return `${role === 'archive' ? '<prefix>/' : ''}${restore ? 'restore/' : ''}${parts.map(named).join('/')}`;
}

/** The kind of object a key holds, for a swap: its pattern, a restore's staged copy being of its snapshot's kind. */
export function objectKind(role: BucketRole, key: string): string {
  return `${role}:${keyPattern(role, key).replace(/^restore\//, '')}`;
}

export interface ReadSite {
  /** The step of the sequence whose read this is: archive, verify, chain, restore or drill. */
  phase: string;
  operation: string;
  role: BucketRole;
  pattern: string;
  listing: boolean;
  bucketLevel: boolean;
  /** The how-manieth read of the same key by the same operation in this step (a re-read is a site of its own). */
  nth: number;
}

export function siteOf(phase: string, request: S3Request, nth: number): ReadSite {
  return {
    phase,
    nth,
    operation: request.operation,
    role: request.role,
    pattern: request.bucketLevel ? `<${request.role}>` : keyPattern(request.role, request.key),
    listing: request.listing,
    bucketLevel: request.bucketLevel,
  };
}

export function siteName(site: ReadSite): string {
  return `${site.phase}: ${site.operation} ${site.role}:${site.pattern}${site.nth > 1 ? ` #${site.nth}` : ''}`;
}
