// One batch of an archive's volumes, as a child workflow of archiveSnapshot: looks up the plan pages of its
// volumes once, then streams them `volumeConcurrency` at once. A batch holds at most 1000 volumes, so its
// history stays far below Temporal's limits however large the archive is. It returns one digest over its
// volumes' record digests (src/archive/volume-digests.ts): the seal checks the records it reads back against it.
import type { PlanPageRef, VolumeBatch, VolumeBatchResult, VolumeResult } from '../archive/archive-types';
import { batchDigest } from '../archive/volume-digests';
import { deploymentQueues, planLookupActivities, streamingActivities } from './activity-options';

function pageOf(pages: PlanPageRef[], index: number): PlanPageRef {
  const page = pages.find((p) => p.firstVolume <= index && index <= p.lastVolume);
  if (!page) throw new Error(`Volume ${index} is on no page of the volume plan`);
  return page;
}

export async function archiveVolumeBatch(batch: VolumeBatch): Promise<VolumeBatchResult> {
  const { target, firstVolume, lastVolume } = batch;
  // The batch runs on the archive queue (its parent's); volumes go to the stream role's queue.
  const queues = deploymentQueues();
  const lookUp = planLookupActivities(queues.archive);
  const streaming = streamingActivities(queues.stream);
  const pages = await lookUp.lookUpPlanPages(target, batch.planDigest, firstVolume, lastVolume);
  const result: VolumeBatchResult = { batch: batch.batch, volumes: 0, plaintextBytes: 0, ciphertextBytes: 0 };
  const recordDigests = new Array<string | undefined>(lastVolume - firstVolume + 1).fill(undefined);
  let next = firstVolume;
  // A retried workflow task replays completed volumes from history: none is streamed twice.
  const lane = async (): Promise<void> => {
    for (let index = next++; index <= lastVolume; index = next++) {
      const volume: VolumeResult = await streaming.archiveVolume(target, pageOf(pages, index), index);
      recordDigests[index - firstVolume] = volume.recordSha256;
      result.volumes += 1;
      result.plaintextBytes += volume.plaintextBytes;
      result.ciphertextBytes += volume.ciphertextBytes;
    }
  };
  const lanes = Math.max(1, Math.min(batch.volumeConcurrency, lastVolume - firstVolume + 1));
  await Promise.all(Array.from({ length: lanes }, lane));
  // A volume streamed by older code has no record digest: the batch then has none, and the seal refuses it.
  if (recordDigests.every((d) => d !== undefined)) {
    result.recordsDigest = batchDigest(
      recordDigests.map((recordSha256, i) => ({ index: firstVolume + i, recordSha256: recordSha256! })),
    );
  }
  return result;
}
