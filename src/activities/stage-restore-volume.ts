// Unpacks one verified volume into the restore repository's folder in the staging bucket, streaming:
// S3 → OpenPGP → tar → each file (sha256-checked) → S3. Any mismatch discards what was staged and fails.
import { Context } from '@temporalio/activity';
import type { RestorePlan } from '../restore/restore-types';
import { startStreamUpload } from '../s3/upload-stream';
import { checkVolume } from '../verify/verify-archive';
import type { ActivityDeps } from './activity-deps';
import { authenticatedManifest } from './authenticated-manifest-read';
import { FailureType, permanentFailure } from './failure-types';

export function createStageRestoreVolume({ config, s3, keys }: ActivityDeps) {
  return async function stageRestoreVolume(
    plan: RestorePlan,
    index: number,
  ): Promise<{ files: number; bytes: number }> {
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
    let files = 0;
    const result = await checkVolume(
      { s3, bucket: config.archive.bucket, decryptionKeys: [keys.decryption] },
      volume,
      async (path, content) => {
        const upload = startStreamUpload(
          s3,
          {
            bucket: config.staging.bucket,
            key: `${plan.repositoryBasePath}/${path}`,
            partSizeBytes: config.archive.partSizeBytes,
            queueSize: config.archive.uploadQueueSize,
          },
          'application/octet-stream',
        );
        content.pipe(upload.body);
        content.on('error', (err) => upload.body.destroy(err));
        await upload.done;
        files += 1;
        ctx.heartbeat({ volume: index, files });
      },
    );
    if (result.problems.length > 0) {
      // The repository is registered only after every volume passed, so nothing of this is ever read.
      throw permanentFailure(
        FailureType.ArchiveTampered,
        `Volume ${index} of ${plan.archiveId} failed verification (${result.problems.map((p) => `${p.file ?? ''} ${p.problem}`.trim()).join('; ')}); nothing was restored`,
      );
    }
    return { files: result.files, bytes: result.plaintextBytes };
  };
}
