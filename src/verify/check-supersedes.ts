// What `verify --chain` proves of corrected archives: a manifest that supersedes another names an archive of the
// chain (by id, sequence and manifest sha256) of the same day, sealed before it, as its next revision. The
// superseded archive stays in the chain and is verified like any other; only the claim is checked here.
import { supersedingArchiveId } from '../archive/archive-date';
import type { ArchiveManifest } from '../pipeline/manifest';

/** A signed manifest of the chain, with the sha256 of its bytes. */
export interface ChainManifest {
  manifest: ArchiveManifest;
  sha256: string;
}

/** "#N supersedes #M (reason)": a correction the chain proves. */
export interface Supersession {
  sequence: number;
  archiveId: string;
  supersededSequence: number;
  supersededArchiveId: string;
  reason: string;
}

export interface SupersedeProblem {
  archiveId: string;
  sequence: number;
  problem: string;
}

export interface SupersedeCheck {
  supersessions: Supersession[];
  problems: SupersedeProblem[];
}

/** Every supersede claim of the chain's authentic manifests, proven or reported by name. */
export function checkSupersedes(manifests: readonly ChainManifest[]): SupersedeCheck {
  const byId = new Map(manifests.map((m) => [m.manifest.archiveId, m]));
  const out: SupersedeCheck = { supersessions: [], problems: [] };
  for (const { manifest } of manifests) {
    const claim = manifest.supersedes;
    if (!claim) continue;
    const where = { archiveId: manifest.archiveId, sequence: manifest.sequence };
    const named = `${claim.archiveId} (#${claim.sequence}, manifest sha256 ${claim.manifestSha256})`;
    const superseded = byId.get(claim.archiveId);
    const differs: string[] = [];
    if (!superseded) {
      out.problems.push({
        ...where,
        problem: `supersedes ${named}, which is not in the chain (no authentic manifest of that archive)`,
      });
      continue;
    }
    if (superseded.sha256 !== claim.manifestSha256)
      differs.push(`its manifest sha256 is ${superseded.sha256}`);
    if (superseded.manifest.sequence !== claim.sequence)
      differs.push(`its sequence is ${superseded.manifest.sequence}`);
    if (superseded.manifest.date !== manifest.date) differs.push(`it archives ${superseded.manifest.date}`);
    if (superseded.manifest.sequence >= manifest.sequence) differs.push('it was sealed after this archive');
    if (supersedingArchiveId(claim.archiveId) !== manifest.archiveId)
      differs.push(
        `its correction is named ${supersedingArchiveId(claim.archiveId)}, not ${manifest.archiveId}`,
      );
    if (differs.length > 0) {
      out.problems.push({
        ...where,
        problem: `supersedes ${named}, but ${differs.join(', ')}: the claim does not match the archive it names`,
      });
      continue;
    }
    out.supersessions.push({
      ...where,
      supersededSequence: claim.sequence,
      supersededArchiveId: claim.archiveId,
      reason: claim.reason,
    });
  }
  return out;
}

/** "#2 supersedes #1 (index restored late)": one line per proven correction. */
export function describeSupersession(s: Supersession): string {
  return `#${s.sequence} ${s.archiveId} supersedes #${s.supersededSequence} ${s.supersededArchiveId} (${s.reason})`;
}
