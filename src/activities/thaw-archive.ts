// Starts thawing every object of an archive that sits in a cold storage class, and reports which are still
// thawing. Called repeatedly by the workflow (durable timers between calls); asking again is harmless.
import { HeadObjectCommand, RestoreObjectCommand, type Tier } from '@aws-sdk/client-s3';
import { Context } from '@temporalio/activity';
import { archiveLayout } from '../archive/archive-layout';
import { thawState } from '../s3/cold-storage';
import { listObjects } from '../s3/s3-objects';
import type { ActivityDeps } from './activity-deps';

export interface ThawRequest {
  archiveId: string;
  tier: Tier;
  /** How many days the thawed copies stay readable. */
  days: number;
}

export interface ThawStatus {
  objects: number;
  requested: string[];
  thawing: string[];
}

export function createThawArchive({ config, s3 }: ActivityDeps) {
  return async function thawArchive(request: ThawRequest): Promise<ThawStatus> {
    const folder = archiveLayout(config.archive.prefix, request.archiveId).folder;
    const status: ThawStatus = { objects: 0, requested: [], thawing: [] };
    for await (const object of listObjects(s3, config.archive.bucket, folder)) {
      status.objects += 1;
      const head = await s3.send(new HeadObjectCommand({ Bucket: config.archive.bucket, Key: object.key }));
      const state = thawState(head.StorageClass, head.Restore);
      if (state === 'needs-thaw') {
        await s3.send(
          new RestoreObjectCommand({
            Bucket: config.archive.bucket,
            Key: object.key,
            RestoreRequest: { Days: request.days, GlacierJobParameters: { Tier: request.tier } },
          }),
        );
        status.requested.push(object.key);
        status.thawing.push(object.key);
      } else if (state === 'thawing') {
        status.thawing.push(object.key);
      }
      Context.current().heartbeat({ checked: status.objects });
    }
    return status;
  };
}
