// S3 refusing a request fails the run at once with the action, bucket and key (no retries): the worker's
// credentials may do anything except PutObject in the archive bucket (a MinIO session policy via STS).
import { S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/nested-clients/sts';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import { createBuckets } from '../../src/buckets/buckets';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { loadArchiveKeys } from '../../src/keys/load-archive-keys';
import { recordFailedOperation } from '../../src/s3/create-s3-client';
import { taskQueuesFor } from '../../src/task-queues';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, type ArchiveHarness } from './archive-harness';

const DATE = '2026-11-21';

/** Temporary credentials that may do anything the stack's user may, except write into `bucket`. */
async function credentialsDenyingPutObject(h: ArchiveHarness, bucket: string) {
  const { s3 } = h.config;
  const sts = new STSClient({
    region: s3.region,
    endpoint: s3.endpoint,
    credentials: {
      accessKeyId: s3.credentials!.accessKeyId,
      secretAccessKey: s3.credentials!.secretAccessKey.reveal(),
    },
  });
  try {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:*'], Resource: ['arn:aws:s3:::*'] },
        { Effect: 'Deny', Action: ['s3:PutObject'], Resource: [`arn:aws:s3:::${bucket}/*`] },
      ],
    };
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: 'arn:minio:iam:::role/snapseal-test', // MinIO ignores the role for its own users
        RoleSessionName: 'snapseal-deny-put',
        Policy: JSON.stringify(policy),
        DurationSeconds: 900,
      }),
    );
    return {
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken!,
    };
  } finally {
    sts.destroy();
  }
}

describe('S3 access denied (real stack)', () => {
  let h: ArchiveHarness;
  beforeAll(async () => {
    h = await createArchiveHarness();
  });
  afterAll(async () => h?.close());

  it('fails the archive at once, naming PutObject, the bucket and the key', async () => {
    await loadSampleDay(h.search, h.template, DATE, 300);
    const denied = new S3Client({
      region: h.config.s3.region,
      endpoint: h.config.s3.endpoint,
      forcePathStyle: h.config.s3.forcePathStyle,
      credentials: await credentialsDenyingPutObject(h, h.config.archive.bucket),
    });
    recordFailedOperation(denied);
    // One worker per role queue (src/task-queues.ts), every activity on each, all with the restricted client.
    const activities = createActivities({
      config: h.config,
      s3: denied,
      opensearch: h.search,
      keys: await loadArchiveKeys(h.config.keys),
      buckets: createBuckets(h.config, denied),
    });
    const queues = taskQueuesFor(h.config.temporal.taskQueue);
    const workers = await Promise.all(
      Object.values(queues).map((taskQueue) =>
        Worker.create({
          taskQueue,
          activities,
          ...(taskQueue === queues.archive ? { workflowsPath: require.resolve('../../src/workflows') } : {}),
        }),
      ),
    );
    const started = Date.now();
    try {
      const run = h.temporal.workflow
        .execute('archiveSnapshot', {
          taskQueue: h.config.temporal.taskQueue,
          workflowId: archiveWorkflowId(h.config.temporal.taskQueue, DATE),
          args: [{ date: DATE }],
          // Before S3 errors were classified, the volume was retried 10 times over many minutes.
          workflowExecutionTimeout: '3 minutes',
        })
        .catch((e: unknown) => e);
      const [error] = await Promise.all(workers.map((w) => w.runUntil(run)));
      expect(error).toBeInstanceOf(WorkflowFailedError);
      const activity = (error as WorkflowFailedError).cause as ActivityFailure;
      expect(activity).toBeInstanceOf(ActivityFailure);
      expect(activity.activityType).toBe('archiveVolume');
      expect(activity.retryState).toBe(RetryState.NON_RETRYABLE_FAILURE);
      const failure = activity.cause as ApplicationFailure;
      expect(failure.type).toBe('S3Rejected');
      expect(failure.message).toMatch(
        new RegExp(
          `^S3 refused (PutObject|CreateMultipartUpload) s3://${h.config.archive.bucket}/${h.config.archive.prefix}\\S+/volume-0001\\.tar\\.gpg: access denied \\(403\\)`,
        ),
      );
      console.log(`access denied: failed after ${((Date.now() - started) / 1000).toFixed(1)} s, 1 attempt`);
    } finally {
      denied.destroy();
    }
  });
});
