// The digests that carry volume records through Temporal history to the seal: computed without node:crypto
// (workflow code computes them), equal to a plain sha256 of the documented text, and sensitive to every record
// digest and to the order of the volumes.
import { createHash } from 'node:crypto';
import { batchDigest, batchOf, recordDigest } from '../../../src/archive/volume-digests';

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

describe('volume digests', () => {
  const a = 'a'.repeat(64);
  const b = 'b'.repeat(64);

  it("takes a record's digest over its exact bytes", () => {
    const bytes = Buffer.from('{"index":1}');
    expect(recordDigest(bytes)).toBe(sha256(bytes));
  });

  it('digests a batch as its volumes in order, one line each', () => {
    expect(
      batchDigest([
        { index: 3, recordSha256: a },
        { index: 4, recordSha256: b },
      ]),
    ).toBe(sha256(`snapseal-volume-batch/1\n3 ${a}\n4 ${b}\n`));
  });

  it('changes with any record digest, with the order and with the volume numbers', () => {
    const base = batchDigest([
      { index: 1, recordSha256: a },
      { index: 2, recordSha256: b },
    ]);
    expect(
      batchDigest([
        { index: 1, recordSha256: a },
        { index: 2, recordSha256: a },
      ]),
    ).not.toBe(base);
    expect(
      batchDigest([
        { index: 1, recordSha256: b },
        { index: 2, recordSha256: a },
      ]),
    ).not.toBe(base);
    expect(
      batchDigest([
        { index: 2, recordSha256: a },
        { index: 3, recordSha256: b },
      ]),
    ).not.toBe(base);
  });

  it('finds the batch of a volume as the archive workflow cuts them', () => {
    expect(batchOf(1, 100, 250)).toEqual({ batch: 1, first: 1, last: 100 });
    expect(batchOf(100, 100, 250)).toEqual({ batch: 1, first: 1, last: 100 });
    expect(batchOf(101, 100, 250)).toEqual({ batch: 2, first: 101, last: 200 });
    expect(batchOf(250, 100, 250)).toEqual({ batch: 3, first: 201, last: 250 });
  });
});
