// `snapseal demo` as a newcomer sees it: the steps, the run's link and the summary, top to bottom, with no
// warning that means nothing to them and no terminal colour codes; sealed with snapseal's defaults (a witness,
// Object Lock retention) and the stack's time-stamp authority, and saying so.
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { witnessRecordKey } from '../../src/archive/archive-layout';
import { removeWitnessBucket } from './remove-witness-bucket';
import { opensearch, removeBucket, s3, uniqueName } from './stack';
import { withSecureDefaults } from './test-opt-outs';

const ROOT = join(__dirname, '..', '..');

describe('snapseal demo output', () => {
  const settingsFile = resolve(process.env.SNAPSEAL_STACK_ENV ?? join(ROOT, '.stack', 'env'));
  const id = uniqueName('demo');
  const isolation = {
    SNAPSEAL_STAGING_BUCKET: `${id}-staging`,
    SNAPSEAL_ARCHIVE_BUCKET: `${id}-archive`,
    SNAPSEAL_TASK_QUEUE: id,
    SNAPSEAL_INDEX_TEMPLATE: `${id}-{DD}{MM}{YYYY}`,
    // The witness record is COMPLIANCE: short, so that the test's witness bucket can go when it is done.
    SNAPSEAL_WITNESS_RETENTION: '30s',
  };
  const witnessBucket = `${isolation.SNAPSEAL_ARCHIVE_BUCKET}-witness`;

  afterAll(async () => {
    const search = opensearch();
    await search.indices.delete({ index: `${id}-*` }, { ignore: [404] });
    await search.close();
    const client = s3();
    for (const bucket of [isolation.SNAPSEAL_STAGING_BUCKET, isolation.SNAPSEAL_ARCHIVE_BUCKET]) {
      await removeBucket(client, bucket).catch((err: { name?: string }) => {
        if (err.name !== 'NoSuchBucket') throw err;
      });
    }
    await removeWitnessBucket(client, witnessBucket, witnessRecordKey('witness/', 1));
    client.destroy();
  });

  it('reads top to bottom: steps, sealed and verified, no stray warnings or colour codes', async () => {
    const args = [join(ROOT, 'bin', 'snapseal.js'), '--settings-file', settingsFile, 'demo'];
    args.push('--days', '1', '--docs', '2000', '--date', '2026-11-20');
    const { code, output } = await new Promise<{ code: number; output: string }>((done) => {
      // The defaults, as a newcomer has them: the tests' opt-outs of witness and retention removed.
      const env = withSecureDefaults({ ...process.env, ...isolation });
      execFile('node', args, { env }, (error, stdout, stderr) =>
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stderr}${stdout}` }),
      );
    });
    expect({ code, output }).toMatchObject({ code: 0 });
    const lines = output.trimEnd().split('\n');
    expect(lines.filter((l) => /^\d\/4 /.test(l))).toEqual([
      '1/4 buckets',
      '2/4 sample audit logs (1 days × 2000 documents)',
      '3/4 archiving 2026-11-20 through Temporal',
      '4/4 verifying the archive (signature, every volume, every file)',
    ]);
    expect(output).toContain(`OK: archive 2026-11-20_${id}-20112026 sealed and verified`);
    expect(lines).toContain(
      `  witness:   chain head recorded in s3://${witnessBucket}/witness/ (COMPLIANCE, 30 s; checked by verify): a cut tail is detected`,
    );
    expect(lines).toContain(
      '  retention: Object Lock GOVERNANCE, 365 days on every sealed object (checked by verify)',
    );
    expect(output).toMatch(
      /\n {2}time-stamp: RFC 3161 token from http:\/\/127\.0\.0\.1:\d+\/tsa, genTime 20\d\d-\S+ \(checked by verify\)\n/,
    );
    expect(output).not.toMatch(/warn/i);
    expect(output).not.toContain('\u001b[');
    expect(output).not.toMatch(/No workflows registered/);
  });
});
