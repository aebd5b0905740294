import { chainTimeProblems, type StampedLink } from '../../../src/evidence/check-chain-time';

const link = (sequence: number, date: string, genTime?: string, late = false): StampedLink => ({
  sequence,
  archiveId: `a${sequence}`,
  date,
  ...(genTime ? { genTime } : {}),
  ...(late ? { late } : {}),
});

describe('chainTimeProblems', () => {
  it('accepts genTimes in chain order, each after its day ended', () => {
    expect(
      chainTimeProblems(
        [link(1, '2026-11-01', '2026-11-02T01:30:00Z'), link(2, '2026-11-02', '2026-11-03T01:30:00Z')],
        'UTC',
      ),
    ).toEqual([]);
  });

  it('names an archive stamped no later than the one before it', () => {
    const problems = chainTimeProblems(
      [link(1, '2026-11-01', '2026-11-03T01:30:00Z'), link(2, '2026-11-02', '2026-11-03T01:30:00Z')],
      'UTC',
    );
    expect(problems).toEqual([
      {
        archiveId: 'a2',
        sequence: 2,
        problem:
          'genTime out of chain order: archive a2 (#2) was time-stamped at 2026-11-03T01:30:00Z, not after #1 a1 before it (2026-11-03T01:30:00Z)',
      },
    ]);
  });

  it('names an archive stamped before its day ended, in the schedule time zone', () => {
    // 2026-11-02 ends at 2026-11-02T23:00:00Z in Europe/Zurich (UTC+1): 22:30Z is still that day there.
    const [problem] = chainTimeProblems([link(1, '2026-11-02', '2026-11-02T22:30:00Z')], 'Europe/Zurich');
    expect(problem?.problem).toBe(
      'genTime before its day ended: archive a1 holds 2026-11-02, which ended 2026-11-02T23:00:00.000Z (Europe/Zurich), but it was time-stamped at 2026-11-02T22:30:00Z',
    );
    expect(chainTimeProblems([link(1, '2026-11-02', '2026-11-02T23:30:00Z')], 'Europe/Zurich')).toEqual([]);
  });

  it('leaves late stamps and unstamped archives out of the order', () => {
    expect(
      chainTimeProblems(
        [
          link(1, '2026-11-01', '2026-11-02T01:30:00Z'),
          link(2, '2026-11-02', '2026-11-20T09:00:00Z', true),
          link(3, '2026-11-03'),
          link(4, '2026-11-04', '2026-11-05T01:30:00Z'),
        ],
        'UTC',
      ),
    ).toEqual([]);
  });
});
