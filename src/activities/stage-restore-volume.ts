// Unpacks one verified volume into the restore repository's folder in the staging bucket, streaming:
// S3 → OpenPGP → tar → each file (sha256-checked) → S3. Any mismatch discards what was staged and fails.
// Each file is written as one new version; the versions written go to history as one digest, which the check
// after the cluster's restore (check-staged-restore.ts) holds the staged folder to.
import { Context } from '@temporalio/activity';
import {
  describeStagedVolume,
  stagedKey,
  type StagedObject,
  type StagedVolume,
} from '../restore/staged-objects';
import type { RestorePlan } from '../restore/restore-types';
import { checkVolume } from '../verify/verify-archive';
import type { ActivityDeps } from './activity-deps';
import { authenticatedManifest } from './authenticated-manifest-read';
import { FailureType, permanentFailure } from './failure-types';

export function createStageRestoreVolume({ config, s3, keys, buckets }: ActivityDeps) {
  return async function stageRestoreVolume(
    plan: RestorePlan,
    index: number,
  ): Promise<{ files: number; bytes: number; staged: StagedVolume }> {
    const ctx = Context.current();
    if (!keys.decryption) {
      throw permanentFailure(
        FailureType.KeyUnusable,
        'This worker has no SNAPSEAL_DECRYPTION_KEY_FILE: it cannot decrypt volumes to restore them',
      );
    }
    const manifest = await authenticatedManifest(s3, config.archive.bucket, plan.manifest);
    const volume = manifest.volumes.find((v) => v.index === index);
    if (!volume)
      throw permanentFailure(FailureType.InvalidInput, `Archive ${plan.archiveId} has no volume ${index}`);
    if (ctx.info.attempt > 1) {
      // An earlier attempt's versions would stand beside this one's as "written over": start from nothing.
      const mine = new Set(volume.files.map((f) => stagedKey(plan, f.path)));
      await buckets.staging.deleteEveryVersion(`${plan.repositoryBasePath}/`, (key) => mine.has(key));
    }
    const staged: StagedObject[] = [];
    let unversioned: string | undefined;
    const result = await checkVolume(
      { s3, bucket: config.archive.bucket, decryptionKeys: [keys.decryption] },
      volume,
      async (path, content) => {
        const key = stagedKey(plan, path);
        const upload = buckets.staging.startStagedUpload(key, {
          partSizeBytes: config.archive.partSizeBytes,
          queueSize: config.archive.uploadQueueSize,
        });
        content.pipe(upload.body);
        content.on('error', (err) => upload.body.destroy(err));
        const { versionId = 'null' } = await upload.done;
        if (versionId === 'null') unversioned ??= key;
        staged.push({ key, versionId });
        ctx.heartbeat({ volume: index, files: staged.length });
      },
    );
    if (result.problems.length > 0) {
      // The repository is registered only after every volume passed, so nothing of this is ever read.
      throw permanentFailure(
        FailureType.ArchiveTampered,
        `Volume ${index} of ${plan.archiveId} failed verification (${result.problems.map((p) => `${p.file ?? ''} ${p.problem}`.trim()).join('; ')}); nothing was restored`,
      );
    }
    if (unversioned) {
      throw permanentFailure(
        FailureType.BucketUnusable,
        `${buckets.staging.url(unversioned)} was written without a version: a restore needs versioning on the staging bucket (SNAPSEAL_STAGING_BUCKET) to prove the cluster read only what was verified; run \`snapseal setup\``,
      );
    }
    return { files: result.files, bytes: result.plaintextBytes, staged: describeStagedVolume(index, staged) };
  };
}
