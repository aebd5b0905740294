// The snapshot-exact count: a shard's commit counts only when it is the commit the snapshot copied.
import { snapshotCommitGeneration, snapshotDocCount } from '../../../src/activities/count-snapshot-documents';

const blob = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));

describe('snapshotCommitGeneration', () => {
  it('reads the base-36 generation of the one segments_N the shard snapshot names', () => {
    expect(snapshotCommitGeneration(blob('\x00\x01physical_name\x89segments_1a\x00_0.cfs'))).toBe(46);
  });
  it('gives up on none or on two different segments files', () => {
    expect(snapshotCommitGeneration(blob('_0.cfs _0.si'))).toBeUndefined();
    expect(snapshotCommitGeneration(blob('segments_3 segments_4'))).toBeUndefined();
  });
});

describe('snapshotDocCount', () => {
  const commits = [
    { shard: 0, generation: 3, numDocs: 10 },
    { shard: 1, generation: 5, numDocs: 7 },
  ];
  it('sums the primaries when every commit is the snapshot one', () => {
    expect(
      snapshotDocCount(
        commits,
        new Map([
          [0, 3],
          [1, 5],
        ]),
      ),
    ).toBe(17);
  });
  it('is undefined when a shard flushed after the snapshot or its snapshot blob was unreadable', () => {
    expect(
      snapshotDocCount(
        commits,
        new Map([
          [0, 3],
          [1, 6],
        ]),
      ),
    ).toBeUndefined();
    expect(
      snapshotDocCount(
        commits,
        new Map([
          [0, 3],
          [1, undefined],
        ]),
      ),
    ).toBeUndefined();
    expect(snapshotDocCount(commits, new Map([[0, 3]]))).toBeUndefined();
    expect(snapshotDocCount([], new Map())).toBeUndefined();
  });
});
