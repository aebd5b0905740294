// Which archiver keys have handed the chain over, walked in chain order: a key that handed over (a rotation record
// named by a later signer's first manifest) may not sign a manifest later in the chain than its handover, and a
// rotation record hands the chain over once. A stolen retired key cannot reuse an old record (say the one that
// once gave it the chain) to take the chain back; only a new record, signed by the current key, can.
import type { RotationRef } from '../archive/rotation-records';

export interface ChainPlace {
  sequence: number;
  archiveId: string;
}

interface Handover extends ChainPlace {
  to: string;
  rotationKey: string;
}

export class HandedOverKeys {
  private readonly retired = new Map<string, Handover>();
  private readonly recordUsedAt = new Map<string, ChainPlace>();

  /** Why `signer` may not sign at `place` because it handed the chain over earlier, if it did. */
  retiredProblem(signer: string, place: ChainPlace): string | undefined {
    const handover = this.retired.get(signer);
    if (!handover) return undefined;
    return `archive ${place.archiveId} (#${place.sequence}) is signed by ${signer}, which handed the chain over to ${handover.to} at #${handover.sequence} (${handover.archiveId}, rotation record ${handover.rotationKey}): a key that was handed over may not sign later in the chain than its handover`;
  }

  /**
   * Record the proven handover from `from` to `to` that the manifest at `place` names; returns the problem when
   * that record already handed the chain over earlier in the chain (a replayed handover).
   */
  handover(from: string, to: string, rotation: RotationRef, place: ChainPlace): string | undefined {
    const used = this.recordUsedAt.get(rotation.key);
    const problem =
      used === undefined
        ? undefined
        : `${this.retiredProblem(to, place) ?? `archive ${place.archiveId} (#${place.sequence}) is signed by ${to}`}; it names the rotation record ${rotation.key}, which already handed the chain to ${to} at #${used.sequence} (${used.archiveId}): a rotation record hands the chain over once`;
    if (used === undefined) this.recordUsedAt.set(rotation.key, place);
    this.retired.delete(to);
    this.retired.set(from, { ...place, to, rotationKey: rotation.key });
    return problem;
  }
}
