// The staged folder held to the versions a restore wrote: every way a bucket writer can change it is named.
import type { KeyHistory } from '../../../src/buckets/bucket';
import {
  checkStagedHistories,
  describeStagedVolume,
  stagedVersionsDigest,
  type StagedObject,
} from '../../../src/restore/staged-objects';

const base = 'restore/a/run/repository';
const written: StagedObject[] = [
  { key: `${base}/index-0`, versionId: 'v-index' },
  { key: `${base}/indices/u/0/__a`, versionId: 'v-a' },
];

const history = (key: string, versions: string[], deleteMarkers: string[] = []): KeyHistory => ({
  key,
  versions: versions.map((versionId) => ({ versionId, size: 1, etag: '"e"' })),
  deleteMarkers: deleteMarkers.map((versionId) => ({ versionId })),
});

const asWritten = (): KeyHistory[] => written.map((o) => history(o.key, [o.versionId]));
const volumes = () => [
  { volume: 1, keys: written.map((o) => o.key), staged: describeStagedVolume(1, written) },
];

describe('checkStagedHistories', () => {
  it('finds nothing when every key holds the one version written', () => {
    expect(checkStagedHistories(asWritten(), volumes())).toEqual([]);
  });

  it('names an object written over (a later version)', () => {
    const histories = asWritten();
    histories[1] = history(written[1]!.key, ['v-a', 'v-evil']);
    expect(checkStagedHistories(histories, volumes())).toEqual([
      { key: written[1]!.key, problem: 'was written over after it was staged (1 more version(s))' },
    ]);
  });

  it('names a planted index-N', () => {
    const histories = [...asWritten(), history(`${base}/index-1`, ['v-planted'])];
    expect(checkStagedHistories(histories, volumes())).toEqual([
      {
        key: `${base}/index-1`,
        problem: 'was not staged by this restore: written into the staged folder by someone else',
      },
    ]);
  });

  it('names an object deleted (a delete marker) and one gone with its version', () => {
    const histories = [history(written[0]!.key, ['v-index'], ['dm'])];
    expect(checkStagedHistories(histories, volumes())).toEqual([
      { key: written[0]!.key, problem: 'was written over after it was staged (1 delete marker(s))' },
      { key: written[1]!.key, volume: 1, problem: 'is missing: staged, then removed' },
    ]);
  });

  it('names the volume when an object was removed with its version and written again', () => {
    const histories = asWritten();
    histories[0] = history(written[0]!.key, ['v-again']);
    expect(checkStagedHistories(histories, volumes())).toEqual([
      {
        volume: 1,
        problem:
          'holds other versions than the 2 staged (an object was removed with its version and written again)',
      },
    ]);
  });

  it('refuses a volume without a record of its staged versions', () => {
    expect(checkStagedHistories(asWritten(), [{ volume: 1, keys: written.map((o) => o.key) }])).toEqual([
      { volume: 1, problem: 'has no record of the versions it staged in the run history' },
    ]);
  });

  it('digests versions independently of the order they were staged in', () => {
    expect(stagedVersionsDigest([...written].reverse())).toBe(stagedVersionsDigest(written));
    expect(stagedVersionsDigest([{ ...written[0]!, versionId: 'x' }, written[1]!])).not.toBe(
      stagedVersionsDigest(written),
    );
  });
});
