// The rule "what the cluster wrote" over a snapshot repository's version histories: every blob once (or
// retried with the same bytes), no delete marker; the repository verification blobs ignored whatever they hold.
import type { KeyHistory } from '../../../src/buckets/bucket';
import { repositoryBlobs, UnversionedStagingError } from '../../../src/buckets/snapshot-repository';
import { TamperedObjectError } from '../../../src/buckets/trust';

const PREFIX = 'snapseal/a1/run1/repository/';
const at = (second: number): Date => new Date(Date.UTC(2026, 11, 5, 14, 0, second));

/** A key's history: versions given as [versionId, etag, size], oldest first; the newest is the latest. */
function history(
  key: string,
  versions: [string, string, number][],
  deleteMarkers: string[] = [],
): KeyHistory {
  return {
    key: `${PREFIX}${key}`,
    versions: versions.map(([versionId, etag, size], i) => ({
      versionId,
      etag,
      size,
      lastModified: at(i),
      ...(i === versions.length - 1 && deleteMarkers.length === 0 ? { isLatest: true } : {}),
    })),
    deleteMarkers: deleteMarkers.map((versionId, i) => ({
      versionId,
      lastModified: at(versions.length + i),
    })),
  };
}

/** What OpenSearch 3.8 left in a new repository after one snapshot (observed with ListObjectVersions). */
const asWritten = (): KeyHistory[] => [
  history('index-0', [['v-index', '"e-index"', 456]]),
  history('index.latest', [['v-latest', '"e-latest"', 8]]),
  history('indices/Ab/0/__d1', [['v-d1', '"e-d1"', 3094]]),
  history('indices/Ab/0/snap-U.dat', [['v-s0', '"e-s0"', 2316]]),
  history('meta-U.dat', [['v-meta', '"e-meta"', 234]]),
  history('snap-U.dat', [['v-snap', '"e-snap"', 300]]),
  history('tests-x/data-n.dat', [['v-t1', '"e-t"', 22]], ['m-t1']),
  history('tests-x/master.dat', [['v-t2', '"e-t"', 22]], ['m-t2']),
];

const problemOf = (histories: KeyHistory[]): TamperedObjectError => {
  try {
    repositoryBlobs('staging', PREFIX, histories);
  } catch (err) {
    if (err instanceof TamperedObjectError) return err;
    throw err;
  }
  throw new Error('no TamperedObjectError');
};

describe('repositoryBlobs', () => {
  it("takes every blob the cluster wrote once, with its version, and leaves out the cluster's verification blobs", () => {
    expect(repositoryBlobs('staging', PREFIX, asWritten())).toEqual([
      { key: 'index-0', size: 456, etag: '"e-index"', versionId: 'v-index' },
      { key: 'index.latest', size: 8, etag: '"e-latest"', versionId: 'v-latest' },
      { key: 'indices/Ab/0/__d1', size: 3094, etag: '"e-d1"', versionId: 'v-d1' },
      { key: 'indices/Ab/0/snap-U.dat', size: 2316, etag: '"e-s0"', versionId: 'v-s0' },
      { key: 'meta-U.dat', size: 234, etag: '"e-meta"', versionId: 'v-meta' },
      { key: 'snap-U.dat', size: 300, etag: '"e-snap"', versionId: 'v-snap' },
    ]);
  });

  it('takes the newest of versions with one ETag (a retried upload of the same bytes)', () => {
    const histories = asWritten();
    histories[2] = history('indices/Ab/0/__d1', [
      ['v-d1', '"e-d1"', 3094],
      ['v-d1-again', '"e-d1"', 3094],
    ]);
    expect(repositoryBlobs('staging', PREFIX, histories)[2]).toEqual({
      key: 'indices/Ab/0/__d1',
      size: 3094,
      etag: '"e-d1"',
      versionId: 'v-d1-again',
    });
  });

  it('names a data blob deleted after the snapshot (a delete marker over its version)', () => {
    const histories = asWritten();
    histories[2] = history('indices/Ab/0/__d1', [['v-d1', '"e-d1"', 3094]], ['m-d1']);
    const err = problemOf(histories);
    expect(err.key).toBe(`${PREFIX}indices/Ab/0/__d1`);
    expect(err.message).toContain(
      'deleted after the snapshot wrote it: 1 delete marker(s) beside version v-d1',
    );
  });

  it('names a blob of which only a delete marker is left', () => {
    const histories = asWritten();
    histories[5] = { key: `${PREFIX}snap-U.dat`, versions: [], deleteMarkers: [{ versionId: 'm' }] };
    expect(problemOf(histories).message).toContain(
      `s3://staging/${PREFIX}snap-U.dat: deleted after the snapshot wrote it: only delete markers are left`,
    );
  });

  it.each([
    ['index-0', 0],
    ['indices/Ab/0/snap-U.dat', 3],
    ['index.latest', 1],
  ])('names %s written over with other bytes', (key, i) => {
    const histories = asWritten();
    const [first] = histories[i]!.versions;
    histories[i] = history(key, [
      [first!.versionId, first!.etag, first!.size],
      ['v-forged', '"e-forged"', first!.size],
    ]);
    const err = problemOf(histories);
    expect(err.key).toBe(`${PREFIX}${key}`);
    expect(err.message).toContain(
      `written over after the snapshot wrote it: 2 versions with 2 different ETags (first ${first!.versionId})`,
    );
  });

  it('names a second repository generation (index-N) planted beside the one the snapshot wrote', () => {
    const histories = [...asWritten(), history('index-1', [['v-planted', '"e-planted"', 470]])];
    const err = problemOf(histories);
    expect(err.key).toBe(`${PREFIX}index-1`);
    expect(err.message).toContain('a second repository generation beside index-0');
  });

  it('refuses a staging bucket that wrote the blobs without versions, naming the setting', () => {
    const histories = [history('index-0', [['null', '"e-index"', 456]])];
    expect(() => repositoryBlobs('staging', PREFIX, histories)).toThrow(UnversionedStagingError);
    expect(() => repositoryBlobs('staging', PREFIX, histories)).toThrow(
      /SNAPSEAL_STAGING_BUCKET\) needs versioning Enabled/,
    );
  });

  it('refuses a listing that strays outside the repository', () => {
    const stray = { ...history('x', [['v', '"e"', 1]]), key: 'snapseal/a1/run1/work/x' };
    expect(() => repositoryBlobs('staging', PREFIX, [stray])).toThrow(/lies outside it/);
  });
});
