import {
  checkSupersedes,
  describeSupersession,
  type ChainManifest,
} from '../../../src/verify/check-supersedes';
import type { ArchiveManifest } from '../../../src/pipeline/manifest';

const ORIGINAL = '2026-11-21_logs-21112026';
const sha = (c: string) => c.repeat(64);

/** A chain manifest with only what the supersede check reads. */
function signed(
  archiveId: string,
  sequence: number,
  digest: string,
  supersedes?: ArchiveManifest['supersedes'],
  date = '2026-11-21',
): ChainManifest {
  return {
    manifest: { archiveId, sequence, date, ...(supersedes ? { supersedes } : {}) } as ArchiveManifest,
    sha256: digest,
  };
}

const claim = (over: Partial<NonNullable<ArchiveManifest['supersedes']>> = {}) => ({
  archiveId: ORIGINAL,
  sequence: 1,
  manifestSha256: sha('a'),
  reason: 'late documents',
  ...over,
});

describe('checkSupersedes', () => {
  it('proves a correction that names the archive by id, sequence and digest, and describes it', () => {
    const check = checkSupersedes([
      signed(ORIGINAL, 1, sha('a')),
      signed('2026-11-22_logs-22112026', 2, sha('b')),
      signed(`${ORIGINAL}~r2`, 3, sha('c'), claim()),
    ]);
    expect(check.problems).toEqual([]);
    expect(check.supersessions.map(describeSupersession)).toEqual([
      `#3 ${ORIGINAL}~r2 supersedes #1 ${ORIGINAL} (late documents)`,
    ]);
  });

  it.each([
    ['an archive not in the chain', [], claim(), 'which is not in the chain'],
    [
      'another digest',
      [signed(ORIGINAL, 1, sha('a'))],
      claim({ manifestSha256: sha('f') }),
      `its manifest sha256 is ${sha('a')}`,
    ],
    ['another sequence', [signed(ORIGINAL, 1, sha('a'))], claim({ sequence: 2 }), 'its sequence is 1'],
    [
      'another day',
      [signed(ORIGINAL, 1, sha('a'), undefined, '2026-11-20')],
      claim(),
      'it archives 2026-11-20',
    ],
  ])('reports by name a claim naming %s', (_what, before, forged, problem) => {
    const check = checkSupersedes([...before, signed(`${ORIGINAL}~r2`, 2, sha('c'), forged)]);
    expect(check.supersessions).toEqual([]);
    expect(check.problems).toEqual([
      { archiveId: `${ORIGINAL}~r2`, sequence: 2, problem: expect.stringContaining(problem) },
    ]);
    expect(check.problems[0]!.problem).toContain(`supersedes ${ORIGINAL} (#`);
  });

  it('reports a correction that is not the next revision of the archive it names', () => {
    const check = checkSupersedes([
      signed(ORIGINAL, 1, sha('a')),
      signed(`${ORIGINAL}~r3`, 2, sha('c'), claim()),
    ]);
    expect(check.problems[0]!.problem).toContain(
      `its correction is named ${ORIGINAL}~r2, not ${ORIGINAL}~r3`,
    );
  });
});
