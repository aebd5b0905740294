// Compares the chain read from the archive bucket with the chain witness: a witnessed head beyond the
// newest authentic manifest is a cut tail, named with its sequence numbers and archive ids; a manifest whose
// digest or id differs from what the witness saw was replaced; a token that is not the witnessed one, too.
// A witness record deleted or written over is named as such, and its first version still counts.
import { archiveLayout } from '../archive/archive-layout';
import { sha256Hex } from '../buckets/bucket';
import type { ArchiveBucket, WitnessBucket } from '../buckets/buckets';
import { readWitnessRecords } from './chain-witness';

/** An authentic manifest of the chain, as verify-chain read it. */
export interface ChainedManifest {
  sequence: number;
  archiveId: string;
  sha256: string;
}

export interface WitnessProblem {
  archiveId?: string;
  sequence?: number;
  problem: string;
}

export interface WitnessComparison {
  /** The newest sequence the witness saw (0: none). */
  witnessedSequence: number;
  problems: WitnessProblem[];
}

export interface WitnessCheckDeps {
  archive: ArchiveBucket;
  witness: WitnessBucket;
}

function range(from: number, to: number): string {
  return from === to ? `archive ${from} is missing` : `archives ${from}-${to} are missing`;
}

async function tokenSha256(deps: WitnessCheckDeps, archiveId: string): Promise<string | undefined> {
  const key = archiveLayout(deps.archive.prefix, archiveId).timestampKey;
  const token = await deps.archive.readUnbound(key, 'the token sha256 in the witness record');
  return token ? sha256Hex(token) : undefined;
}

export async function compareWithWitness(
  deps: WitnessCheckDeps,
  chain: readonly ChainedManifest[],
): Promise<WitnessComparison> {
  const { records, tampered } = await readWitnessRecords(deps.witness);
  const problems: WitnessProblem[] = tampered.map(({ sequence, error }) => ({
    sequence,
    problem: `witness record ${error.message}: the witness was tampered with`,
  }));
  const witnessedSequence = records.at(-1)?.sequence ?? 0;
  const bySequence = new Map<number, ChainedManifest>();
  for (const m of chain) if (!bySequence.has(m.sequence)) bySequence.set(m.sequence, m);
  const chainHead = Math.max(0, ...bySequence.keys());

  const cut = records.filter((r) => r.sequence > chainHead);
  if (cut.length > 0) {
    problems.push({
      archiveId: cut[0]!.archiveId,
      sequence: chainHead + 1,
      problem: `${range(chainHead + 1, witnessedSequence)}: the witness saw sequence ${witnessedSequence} (${cut.map((r) => `#${r.sequence} ${r.archiveId}`).join(', ')})`,
    });
  }
  const witnessed = new Set<number>();
  for (const record of records) {
    witnessed.add(record.sequence);
    const found = bySequence.get(record.sequence);
    if (!found) continue; // beyond the head (reported above) or a gap verify-chain names itself
    if (found.archiveId !== record.archiveId || found.sha256 !== record.manifestSha256) {
      problems.push({
        archiveId: found.archiveId,
        sequence: record.sequence,
        problem: `archive #${record.sequence} is ${found.archiveId} (manifest sha256 ${found.sha256}), but the witness saw ${record.archiveId} (manifest sha256 ${record.manifestSha256}): re-signed or replaced`,
      });
      continue;
    }
    if (record.tokenSha256 && (await tokenSha256(deps, record.archiveId)) !== record.tokenSha256) {
      problems.push({
        archiveId: record.archiveId,
        sequence: record.sequence,
        problem: `the timestamp token of ${record.archiveId} is missing or not the one the witness saw`,
      });
    }
  }
  // The witness may start later than the chain (enabled on an existing deployment); from then on it sees all.
  const firstWitnessed = records[0]?.sequence;
  if (firstWitnessed !== undefined) {
    for (const [sequence, m] of bySequence) {
      if (sequence > firstWitnessed && !witnessed.has(sequence)) {
        problems.push({
          archiveId: m.archiveId,
          sequence,
          problem: `archive #${sequence} (${m.archiveId}) is not in the witness: signed outside a snapseal seal, or its seal has not finished`,
        });
      }
    }
  }
  return { witnessedSequence, problems };
}
