import { HandedOverKeys } from '../../../src/evidence/handed-over-keys';

const record = (from: string, to: string) => ({
  key: `chain/rotations/${from}-${to}.json`,
  sha256: 'f'.repeat(64),
});
const at = (sequence: number) => ({ sequence, archiveId: `a${sequence}` });

describe('HandedOverKeys', () => {
  it('lets a key take the chain back once with a record never used before', () => {
    const keys = new HandedOverKeys();
    expect(keys.handover('A', 'B', record('A', 'B'), at(2))).toBeUndefined();
    expect(keys.retiredProblem('A', at(3))).toMatch(/signed by A, which handed the chain over to B at #2/);
    expect(keys.handover('B', 'A', record('B', 'A'), at(3))).toBeUndefined();
    expect(keys.retiredProblem('A', at(4))).toBeUndefined();
    expect(keys.retiredProblem('B', at(4))).toMatch(/handed the chain over to A at #3/);
  });

  it('names a record used a second time: a replayed handover', () => {
    const keys = new HandedOverKeys();
    keys.handover('A', 'B', record('A', 'B'), at(2));
    keys.handover('B', 'A', record('B', 'A'), at(3));
    expect(keys.handover('A', 'B', record('A', 'B'), at(4))).toBe(
      'archive a4 (#4) is signed by B, which handed the chain over to A at #3 (a3, rotation record chain/rotations/B-A.json): a key that was handed over may not sign later in the chain than its handover; it names the rotation record chain/rotations/A-B.json, which already handed the chain to B at #2 (a2): a rotation record hands the chain over once',
    );
  });
});
