// Time evidence across the chain: each archive's time-stamp (its verified genTime) must come after the one before
// it in chain order, and after the day the archive holds had ended. A manifest stamped earlier than its
// predecessor, or before its own day was over, was not sealed where the chain says it was.
import { dayEndsAt } from '../archive/archive-date';

export interface StampedLink {
  sequence: number;
  archiveId: string;
  /** The archive's day (manifest `date`), in SNAPSEAL_SCHEDULE_TIMEZONE. */
  date: string;
  /** The verified genTime of its time evidence; absent: nothing to order. */
  genTime?: string;
  /** Stamped after sealing because the authorities were unreachable: proves existence from genTime only. */
  late?: boolean;
}

export interface ChainTimeProblem {
  archiveId: string;
  sequence: number;
  problem: string;
}

/** `links` in chain order (oldest first). */
export function chainTimeProblems(links: readonly StampedLink[], timeZone: string): ChainTimeProblem[] {
  const problems: ChainTimeProblem[] = [];
  let before: StampedLink | undefined;
  for (const link of links) {
    if (!link.genTime) continue;
    const at = { archiveId: link.archiveId, sequence: link.sequence };
    const dayEnded = dayEndsAt(link.date, timeZone);
    if (Date.parse(link.genTime) < dayEnded.getTime()) {
      problems.push({
        ...at,
        problem: `genTime before its day ended: archive ${link.archiveId} holds ${link.date}, which ended ${dayEnded.toISOString()} (${timeZone}), but it was time-stamped at ${link.genTime}`,
      });
    }
    // A late stamp is later than its place in the chain by nature; the others are ordered among themselves.
    if (link.late) continue;
    if (before && Date.parse(link.genTime) <= Date.parse(before.genTime!)) {
      problems.push({
        ...at,
        problem: `genTime out of chain order: archive ${link.archiveId} (#${link.sequence}) was time-stamped at ${link.genTime}, not after #${before.sequence} ${before.archiveId} before it (${before.genTime})`,
      });
    }
    before = link;
  }
  return problems;
}
