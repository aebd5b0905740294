// `snapseal setup` on buckets that exist already: it reports the Object Lock and versioning actually in force
// and keeps lifecycle rules it did not write. With the defaults it creates the witness bucket too.
import {
  CreateBucketCommand,
  GetBucketLifecycleConfigurationCommand,
  GetObjectLockConfigurationCommand,
  PutBucketLifecycleConfigurationCommand,
} from '@aws-sdk/client-s3';
import { loadConfig } from '../../src/config';
import { ensureBuckets } from '../../src/setup/ensure-buckets';
import { assuranceOf } from '../../src/verify/assurance';
import { removeBucket, s3, uniqueName } from './stack';
import { withSecureDefaults } from './test-opt-outs';

describe('snapseal setup on an existing bucket (real stack)', () => {
  const client = s3();
  const id = uniqueName('setup');
  const archive = `${id}-archive`;
  const staging = `${id}-staging`;
  const config = loadConfig({
    ...process.env,
    SNAPSEAL_ARCHIVE_BUCKET: archive,
    SNAPSEAL_STAGING_BUCKET: staging,
    SNAPSEAL_LIFECYCLE_TRANSITIONS: 'false',
  });
  const foreignRule = {
    ID: 'keep-app-logs-30-days',
    Status: 'Enabled' as const,
    Filter: { Prefix: 'app-logs/' },
    Expiration: { Days: 30 },
  };

  beforeAll(async () => {
    // Someone else's bucket: no Object Lock, a lifecycle rule of its own.
    await client.send(new CreateBucketCommand({ Bucket: archive }));
    await client.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: archive,
        LifecycleConfiguration: { Rules: [foreignRule] },
      }),
    );
  });
  afterAll(async () => {
    for (const bucket of [archive, staging]) await removeBucket(client, bucket).catch(() => undefined);
    client.destroy();
  });

  const ruleIds = async (bucket: string): Promise<string[]> =>
    ((await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ?? [])
      .map((r) => r.ID!)
      .sort();

  it('reports Object Lock off, keeps the foreign rule, and stays so when run again', async () => {
    for (let run = 0; run < 2; run++) {
      const [archiveReport, stagingReport] = await ensureBuckets(client, config);
      expect(archiveReport).toMatchObject({
        bucket: archive,
        created: false,
        objectLock: false,
        versioning: 'Enabled',
        otherLifecycleRules: ['keep-app-logs-30-days'],
      });
      expect(archiveReport!.warnings.join(' ')).toContain(
        `Object Lock is off on the existing bucket "${archive}"`,
      );
      expect(stagingReport).toMatchObject({ bucket: staging, created: run === 0, otherLifecycleRules: [] });
      expect(await ruleIds(archive)).toEqual(['keep-app-logs-30-days', 'snapseal-archive-retention']);
      expect(await ruleIds(staging)).toEqual(['snapseal-staging-leftovers']);
    }
    const kept = (
      await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: archive }))
    ).Rules!.find((r) => r.ID === foreignRule.ID);
    expect(kept).toMatchObject({ Status: 'Enabled', Expiration: { Days: 30 } });
  });
});

describe('snapseal setup with the defaults (real stack)', () => {
  const client = s3();
  const id = uniqueName('setup-defaults');
  const archive = `${id}-archive`;
  const staging = `${id}-staging`;
  // What a user who sets neither the witness nor the retention gets: the tests' opt-outs removed.
  const config = loadConfig({
    ...withSecureDefaults(process.env),
    SNAPSEAL_ARCHIVE_BUCKET: archive,
    SNAPSEAL_STAGING_BUCKET: staging,
    SNAPSEAL_LIFECYCLE_TRANSITIONS: 'false',
  });

  afterAll(async () => {
    // setup writes no witness record, so the witness bucket is empty and goes like the others.
    for (const bucket of [archive, staging, `${archive}-witness`])
      await removeBucket(client, bucket).catch(() => undefined);
    client.destroy();
  });

  it('creates the witness bucket <archive>-witness with Object Lock, and says so with the retention in force', async () => {
    expect(config.archive).toMatchObject({ objectLockDays: 365, objectLockMode: 'GOVERNANCE' });
    const reports = await ensureBuckets(client, config);
    expect(reports.map((r) => r.bucket)).toEqual([archive, staging, `${archive}-witness`]);
    expect(reports[0]).toMatchObject({
      created: true,
      objectLock: true,
      versioning: 'Enabled',
      warnings: [],
    });
    expect(reports[2]).toMatchObject({
      created: true,
      objectLock: true,
      versioning: 'Enabled',
      warnings: [],
    });
    // Read back from the store, not from the report: Object Lock can only be had when the bucket is created.
    const lock = await client.send(new GetObjectLockConfigurationCommand({ Bucket: `${archive}-witness` }));
    expect(lock.ObjectLockConfiguration?.ObjectLockEnabled).toBe('Enabled');
    const { inForce, notProven } = assuranceOf(config);
    expect(inForce).toContain(
      'retention: Object Lock GOVERNANCE, 365 days on every sealed object (the default)',
    );
    expect(inForce.join('\n')).toContain(`witness: s3://${archive}-witness/witness/ (the default bucket;`);
    expect(notProven.join('\n')).not.toMatch(/no witness|no retention/);
  });
});
