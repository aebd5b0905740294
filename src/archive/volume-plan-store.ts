// The volume plan in the run's staging work folder: one page object per group of volumes and an index naming
// each page's sha256. The index's own sha256 is the plan digest, the only part of the plan kept in workflow
// history; every read is a bound read through the staging adapter (the index bound to the plan digest, each
// page to the digest the index names), so a plan altered in staging is refused.
import { createHash } from 'node:crypto';
import type { StagingBucket } from '../buckets/buckets';
import { TamperedObjectError } from '../buckets/trust';
import { pagePlan, type PlannedVolume } from '../pipeline/volume-plan';
import type { RunFolders } from './archive-layout';
import type { PlanPageRef } from './archive-types';

export type { PlanPageRef } from './archive-types';

export interface PlanIndex {
  format: 'snapseal-plan/1';
  volumeCount: number;
  fileCount: number;
  totalBytes: number;
  largestVolumeBytes: number;
  pages: PlanPageRef[];
}

interface PlanPage {
  format: 'snapseal-plan-page/1';
  page: number;
  volumes: PlannedVolume[];
}

export interface StoredPlan {
  planDigest: string;
  index: PlanIndex;
  indexBytes: number;
  largestPageBytes: number;
}

export class PlanIntegrityError extends Error {
  override name = 'PlanIntegrityError';
}

const PAGE_WRITES_AT_ONCE = 16;

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** Writes the pages, then the index (written last: a plan without its index is never used). */
export async function writePlan(
  staging: StagingBucket,
  folders: RunFolders,
  volumes: PlannedVolume[],
): Promise<StoredPlan> {
  const pages = pagePlan(volumes);
  const refs: PlanPageRef[] = new Array<PlanPageRef>(pages.length);
  let largestPageBytes = 0;
  let next = 0;
  const writer = async (): Promise<void> => {
    for (let i = next++; i < pages.length; i = next++) {
      const page: PlanPage = { format: 'snapseal-plan-page/1', page: i + 1, volumes: pages[i]! };
      const text = JSON.stringify(page);
      largestPageBytes = Math.max(largestPageBytes, Buffer.byteLength(text));
      await staging.writePlanPage(folders, i + 1, text);
      refs[i] = {
        page: i + 1,
        firstVolume: pages[i]![0]!.index,
        lastVolume: pages[i]!.at(-1)!.index,
        sha256: sha256(text),
      };
    }
  };
  await Promise.all(Array.from({ length: Math.min(PAGE_WRITES_AT_ONCE, pages.length) }, writer));
  const index: PlanIndex = {
    format: 'snapseal-plan/1',
    volumeCount: volumes.length,
    fileCount: volumes.reduce((n, v) => n + v.entries.length, 0),
    totalBytes: volumes.reduce((n, v) => n + v.entries.reduce((m, e) => m + e.size, 0), 0),
    largestVolumeBytes: volumes.reduce((n, v) => Math.max(n, v.tarBytes), 0),
    pages: refs,
  };
  const text = JSON.stringify(index);
  await staging.writePlanIndex(folders, text);
  return { planDigest: sha256(text), index, indexBytes: Buffer.byteLength(text), largestPageBytes };
}

/** A bound read's refusal, as the plan's own error (the run fails as StagingChanged, naming the object). */
async function bound(read: Promise<Buffer>): Promise<string> {
  try {
    return (await read).toString('utf8');
  } catch (err) {
    if (err instanceof TamperedObjectError)
      throw new PlanIntegrityError(`The volume plan object ${err.message}`, { cause: err });
    throw err;
  }
}

/** The pages that hold volumes first..last, read from the index checked against the plan digest. */
export async function readPlanPages(
  staging: StagingBucket,
  folders: RunFolders,
  planDigest: string,
  firstVolume: number,
  lastVolume: number,
): Promise<PlanPageRef[]> {
  const index = JSON.parse(await bound(staging.readPlanIndex(folders, planDigest))) as PlanIndex;
  return index.pages.filter((p) => p.lastVolume >= firstVolume && p.firstVolume <= lastVolume);
}

/** One volume of the plan, from its page checked against the page digest the index gave. */
export async function readPlannedVolume(
  staging: StagingBucket,
  folders: RunFolders,
  ref: PlanPageRef,
  index: number,
): Promise<PlannedVolume> {
  const page = JSON.parse(await bound(staging.readPlanPage(folders, ref))) as PlanPage;
  const volume = page.volumes.find((v) => v.index === index);
  if (page.page !== ref.page || !volume)
    throw new PlanIntegrityError(`Volume ${index} is not on page ${ref.page} of the volume plan`);
  return volume;
}
