// `snapseal setup` on buckets that exist already: it reports the Object Lock and versioning actually in force
// and keeps lifecycle rules it did not write.
import {
  CreateBucketCommand,
  GetBucketLifecycleConfigurationCommand,
  PutBucketLifecycleConfigurationCommand,
} from '@aws-sdk/client-s3';
import { loadConfig } from '../../src/config';
import { ensureBuckets } from '../../src/setup/ensure-buckets';
import { removeBucket, s3, uniqueName } from './stack';

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
