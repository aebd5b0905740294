// Verification of a large archive as a workflow: thaw if needed, check the signature, then every volume as its
// own activity (any worker, retried alone, progress in the UI). The report names every problem.
import { ApplicationFailure, upsertSearchAttributes } from '@temporalio/workflow';
import { assertArchiveId } from '../archive/archive-date';
import type { VerifyReport } from '../verify/verify-archive';
import { deploymentQueues, verifyingActivities } from './activity-options';
import { awaitThaw } from './await-thaw';
import { ARCHIVE_ID, STAGE, VOLUMES_DONE, VOLUMES_TOTAL } from './search-attributes';

export async function verifyArchiveWorkflow(archiveId: string): Promise<VerifyReport> {
  try {
    assertArchiveId(archiveId);
  } catch (err) {
    throw ApplicationFailure.nonRetryable((err as Error).message, 'InvalidInput');
  }
  const acts = verifyingActivities(deploymentQueues().restore); // only restore workers hold the decryption key
  upsertSearchAttributes([
    { key: ARCHIVE_ID, value: archiveId },
    { key: STAGE, value: 'verify-thawing' },
  ]);
  await awaitThaw({ archiveId, tier: 'Standard', days: 7 });
  upsertSearchAttributes([{ key: STAGE, value: 'verifying' }]);
  const head = await acts.verifyManifest(archiveId);
  const report: VerifyReport = {
    archiveId,
    ok: false,
    signer: head.signer,
    timestampGenTime: head.timestampGenTime,
    timeEvidence: head.timeEvidence,
    ...(head.lateStamp ? { lateStamp: head.lateStamp } : {}),
    volumesChecked: 0,
    filesChecked: 0,
    plaintextBytes: 0,
    problems: [...head.problems],
  };
  upsertSearchAttributes([{ key: VOLUMES_TOTAL, value: head.volumes.length }]);
  const manifest = head.manifest;
  for (const index of manifest ? head.volumes : []) {
    // Every volume is checked against the exact manifest bytes whose signature was verified above.
    const volume = await acts.verifyVolume(manifest!, index);
    report.problems.push(...volume.problems);
    report.filesChecked += volume.files;
    if (volume.checked) {
      report.plaintextBytes += volume.bytes;
      report.volumesChecked += 1;
    }
    upsertSearchAttributes([{ key: VOLUMES_DONE, value: report.volumesChecked }]);
  }
  report.ok = head.signer !== undefined && report.problems.length === 0;
  upsertSearchAttributes([{ key: STAGE, value: report.ok ? 'verified' : 'verify-failed' }]);
  return report;
}
