import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Client } from '@opensearch-project/opensearch';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityDeps } from '../../../src/activities/activity-deps';
import { createBuckets } from '../../../src/buckets/buckets';
import { failPermanentS3Errors } from '../../../src/activities/fail-permanent-s3-errors';
import { TamperedObjectError } from '../../../src/buckets/trust';
import { createPrepareRestore } from '../../../src/activities/prepare-restore';
import { loadConfig } from '../../../src/config';
import type { ArchiveKeys } from '../../../src/keys/load-archive-keys';

const denied = () =>
  Object.assign(new Error('Access Denied.'), {
    name: 'AccessDenied',
    $metadata: { httpStatusCode: 403 },
    $snapseal: { action: 'PutObject', bucket: 'archive-b', key: 'archives/x/volume-0001.tar.gpg' },
  });

describe('the activity boundary for S3 errors', () => {
  it('fails at once on denied access, naming action, bucket and key', async () => {
    const upload = failPermanentS3Errors(async () => {
      throw new Error('Uploading failed', { cause: denied() });
    });
    const err = await upload().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe('S3Rejected');
    expect((err as ApplicationFailure).nonRetryable).toBe(true);
    expect((err as Error).message).toBe(
      'S3 refused PutObject s3://archive-b/archives/x/volume-0001.tar.gpg: access denied (403): check the S3 credentials and the bucket policy',
    );
  });

  it('fails at once on a tampered object, as ArchiveTampered naming it', async () => {
    const err = await failPermanentS3Errors(async () => {
      throw new Error('Reading the chain head failed', {
        cause: new TamperedObjectError(
          'archive-b',
          'archives/chain/00000003.json',
          'deleted: only a delete marker is left of a record',
        ),
      });
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe('ArchiveTampered');
    expect((err as ApplicationFailure).nonRetryable).toBe(true);
    expect((err as Error).message).toContain(
      's3://archive-b/archives/chain/00000003.json: deleted: only a delete marker is left of a record',
    );
  });

  it('lets an outage through to be retried', async () => {
    const blip = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const err = await failPermanentS3Errors(async () => {
      throw blip;
    })().catch((e: unknown) => e);
    expect(err).toBe(blip);
  });
});

describe('prepareRestore reading the manifest', () => {
  const deps = (s3Error: unknown): ActivityDeps => {
    const config = loadConfig({});
    const s3 = {
      send: async (command: unknown) => {
        if (command instanceof GetObjectCommand) throw s3Error;
        throw new Error('unexpected command');
      },
    } as unknown as S3Client;
    return {
      config,
      s3,
      opensearch: {} as Client,
      keys: { verify: [{}] } as unknown as ArchiveKeys, // never reached: the manifest read fails first
      buckets: createBuckets(config, s3),
    };
  };
  const request = { archiveId: '2026-11-21_logs', renamePrefix: 'r-' };

  it('retries a read that timed out (not InvalidInput)', async () => {
    const timeout = Object.assign(new Error('Connection timed out after 30000 ms'), { name: 'TimeoutError' });
    const err = await createPrepareRestore(deps(timeout))(request, 'tag').catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(ApplicationFailure);
    expect((err as Error).message).toContain('Connection timed out');
  });

  it('fails a missing manifest as the request’s problem', async () => {
    const missing = Object.assign(new Error('NoSuchKey'), {
      name: 'NoSuchKey',
      $metadata: { httpStatusCode: 404 },
    });
    const err = await createPrepareRestore(deps(missing))(request, 'tag').catch((e: unknown) => e);
    expect((err as ApplicationFailure).type).toBe('InvalidInput');
    expect((err as Error).message).toContain('No manifest at');
  });
});
