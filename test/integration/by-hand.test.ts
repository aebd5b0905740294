// The README's by-hand procedure, extracted from README.md and run as written (bash, gpg/gpgv, jq, sha256sum,
// tar, the AWS CLI) against real archives on the local stack: it passes on a sealed archive, and fails on a
// wrong pinned fingerprint and on a tampered volume. Its time-stamp token check (openssl ts) passes on the
// token a real TSA gave the seal, and fails on a token over other bytes; its chain witness check (aws, jq)
// passes on the chain as sealed, and fails when the newest chain entry is cut.
import { removeWitnessBucket } from './remove-witness-bucket';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { archiveLayout, chainEntryKey, witnessRecordKey } from '../../src/archive/archive-layout';
import type { ArchiveResult } from '../../src/archive/archive-types';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { requestTimestamp } from '../../src/evidence/request-timestamp';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, type ArchiveHarness } from './archive-harness';
import { gnupg, type GnuPG } from './gnupg';
import { uniqueName } from './stack';
import { startTestTsa, type TestTsa } from './tsa-server';

const root = join(__dirname, '..', '..');

/** The first ```bash block of the README section on verifying by hand whose text starts with `marker`. */
async function byHandBlock(marker = ''): Promise<string> {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Verifying and restoring by hand'));
  for (const m of section.matchAll(/```bash\n([\s\S]*?)```/g)) if (m[1]!.startsWith(marker)) return m[1]!;
  throw new Error(`README.md has no bash block starting with "${marker}" in the by-hand section`);
}

const TOKEN_CHECK = '# Time-stamp token check';
const WITNESS_CHECK = '# Chain witness check';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

describe('the by-hand procedure of the README (real stack)', () => {
  let tsa: TestTsa;
  let h: ArchiveHarness;
  let gpgHome: GnuPG;
  let dir: string;
  let script: string;
  let tokenCheck: string;
  let witnessCheck: string;
  const witnessBucket = uniqueName('wit');
  let fpr: string;
  let first: ArchiveResult;
  let second: ArchiveResult;

  const run = (file: string, args: string[], cwd = dir, extra: Record<string, string> = {}): Promise<Ran> =>
    new Promise((resolve) => {
      execFile(
        'bash',
        [file, ...args],
        {
          cwd,
          timeout: 120_000,
          env: {
            PATH: process.env.PATH,
            HOME: dir,
            GNUPGHOME: gpgHome.home,
            AWS_ACCESS_KEY_ID: h.config.s3.credentials!.accessKeyId,
            AWS_SECRET_ACCESS_KEY: h.config.s3.credentials!.secretAccessKey.reveal(),
            AWS_DEFAULT_REGION: h.config.s3.region,
            SNAPSEAL_S3_ENDPOINT: h.config.s3.endpoint ?? '',
            SNAPSEAL_ARCHIVE_BUCKET: h.config.archive.bucket,
            SNAPSEAL_ARCHIVE_PREFIX: h.config.archive.prefix,
            SNAPSEAL_WITNESS_BUCKET: witnessBucket,
            ...extra,
          },
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  const runScript = (args: string[]): Promise<Ran> => run(script, args);
  /** The by-hand script from a fresh folder, then the README's token check in the folder it fetched. */
  const checkToken = async (archiveId: string): Promise<{ fetched: Ran; checked: Ran }> => {
    await rm(join(dir, archiveId), { recursive: true, force: true });
    const fetched = await runScript([archiveId, h.keys.archiverPublic, fpr]);
    const checked = await run(tokenCheck, [], join(dir, archiveId), { SNAPSEAL_TSA_CA_FILE: tsa.caFile });
    return { fetched, checked };
  };

  beforeAll(async () => {
    tsa = await startTestTsa();
    h = await createArchiveHarness({
      SNAPSEAL_MAX_VOLUME_MIB: '1',
      SNAPSEAL_TSA_URL: tsa.url,
      SNAPSEAL_TSA_CA_FILE: tsa.caFile,
      SNAPSEAL_WITNESS_BUCKET: witnessBucket,
      // Short, so the witness bucket can be removed once the COMPLIANCE retention has run out.
      SNAPSEAL_WITNESS_RETENTION: '40s',
      SNAPSEAL_OBJECT_LOCK_DAYS: '1',
    });
    dir = await mkdtemp(join(tmpdir(), 'snapseal-by-hand-'));
    script = join(dir, 'verify-by-hand.sh');
    await writeFile(script, await byHandBlock());
    tokenCheck = join(dir, 'check-token.sh');
    await writeFile(tokenCheck, `set -euo pipefail\n${await byHandBlock(TOKEN_CHECK)}`);
    witnessCheck = join(dir, 'check-witness.sh');
    await writeFile(witnessCheck, `set -euo pipefail\n${await byHandBlock(WITNESS_CHECK)}`);
    gpgHome = await gnupg([h.keys.recipientPrivate]);
    fpr = (await openpgp.readKey({ armoredKey: await readFile(h.keys.archiverPublic, 'utf8') }))
      .getFingerprint()
      .toUpperCase();
    const archive = async (date: string): Promise<ArchiveResult> => {
      await loadSampleDay(h.search, h.template, date, 4000);
      return h.runWorker(
        h.temporal.workflow.execute('archiveSnapshot', {
          taskQueue: h.config.temporal.taskQueue,
          workflowId: archiveWorkflowId(h.config.temporal.taskQueue, date),
          args: [{ date }],
        }),
      );
    };
    first = await archive('2026-11-20');
    second = await archive('2026-11-21');
  });
  afterAll(async () => {
    await gpgHome?.close();
    if (h) {
      await removeWitnessBucket(h.s3, witnessBucket, witnessRecordKey(h.config.witness!.prefix, 2));
    }
    await h?.close();
    await tsa?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('verifies a sealed archive, its signature by the pinned key and its link to the one before', async () => {
    expect(second.previousArchiveId).toBe(first.archiveId);
    expect(second.volumes).toBeGreaterThan(1);
    const ran = await runScript([second.archiveId, h.keys.archiverPublic, fpr]);
    expect(ran.stderr).toContain('gpgv: Good signature from "Demo Archiver');
    expect(ran.stderr).not.toContain('FAILED');
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain(
      `OK ${second.archiveId}: signed by ${fpr}; ${second.volumes} volume(s) verified`,
    );
  });

  it('refuses a key file that is not the pinned fingerprint', async () => {
    const ran = await runScript([first.archiveId, h.keys.recipientPublic, fpr]);
    expect(ran.code).not.toBe(0);
    expect(ran.stderr).toContain(`FAILED ${first.archiveId}: the key file holds`);
    expect(ran.stderr).toContain(`not the pinned key ${fpr}`);
  });

  it('checks the time-stamp token as the README writes it', async () => {
    expect(tsa.served()).toBe(2);
    const { fetched, checked } = await checkToken(first.archiveId);
    expect(fetched.code).toBe(0);
    expect(checked.stderr).not.toMatch(/error|fail/i);
    expect(checked.code).toBe(0);
    const manifest = JSON.parse(await readFile(join(dir, first.archiveId, 'manifest.json'), 'utf8')) as {
      createdAt: string;
    };
    const lines = checked.stdout.trim().split('\n');
    expect(lines[0]).toBe('Verification: OK');
    const stamped = /^Time stamp: (.+)$/.exec(lines[1] ?? '')?.[1];
    expect(Math.abs(Date.parse(stamped!) - Date.parse(manifest.createdAt))).toBeLessThan(120_000);
    expect(lines[2]).toBe(manifest.createdAt);
  });

  it('fails the token check on a token over other bytes', async () => {
    const other = createHash('sha256').update('another manifest').digest('hex');
    await h.s3.send(
      new PutObjectCommand({
        Bucket: h.config.archive.bucket,
        Key: archiveLayout(h.config.archive.prefix, first.archiveId).timestampKey,
        Body: (await requestTimestamp(tsa.url, other)).der,
      }),
    );
    const { fetched, checked } = await checkToken(first.archiveId);
    expect(fetched.code).toBe(0); // the signature, chain link and volumes are still good
    expect(checked.code).not.toBe(0);
    expect(checked.stdout).toContain('Verification: FAILED');
    expect(checked.stderr).toContain('message imprint mismatch');
    expect(checked.stdout).not.toContain('Time stamp');
  });

  it('finds the newest witness record and the newest chain entry the same', async () => {
    const ran = await run(witnessCheck, [], dir, { AWS_ENDPOINT_URL: h.config.s3.endpoint ?? '' });
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expect(ran.stdout.trim()).toBe('true');
  });

  it('fails the witness check when the newest chain entry is cut', async () => {
    const bucket = h.config.archive.bucket;
    const key = chainEntryKey(h.config.archive.prefix, second.sequence);
    const marker = await h.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })); // as a writer can
    try {
      const ran = await run(witnessCheck, [], dir, { AWS_ENDPOINT_URL: h.config.s3.endpoint ?? '' });
      expect(ran.code).not.toBe(0);
      expect(ran.stderr).toContain(`deleted or written over: ${key}`);
      expect(ran.stdout.trim()).not.toBe('true');
    } finally {
      await h.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: marker.VersionId }));
    }
  });

  it('fails the witness check after a tail cut whose witness record is deleted or written over', async () => {
    const bucket = h.config.archive.bucket;
    const entry = chainEntryKey(h.config.archive.prefix, second.sequence);
    const key = witnessRecordKey(h.config.witness!.prefix, second.sequence);
    const older = witnessRecordKey(h.config.witness!.prefix, first.sequence);
    const olderBytes = await (
      await h.s3.send(new GetObjectCommand({ Bucket: witnessBucket, Key: older }))
    ).Body!.transformToByteArray();
    // The newest chain entry cut, and its witness record hidden by a plain DELETE (a delete marker, which
    // COMPLIANCE retention allows) or a plain PUT of the older record: plain listings of both end at the first.
    for (const tamper of [
      () => h.s3.send(new DeleteObjectCommand({ Bucket: witnessBucket, Key: key })),
      () => h.s3.send(new PutObjectCommand({ Bucket: witnessBucket, Key: key, Body: olderBytes })),
    ]) {
      const cut = await h.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: entry }));
      const left = await tamper();
      try {
        const ran = await run(witnessCheck, [], dir, { AWS_ENDPOINT_URL: h.config.s3.endpoint ?? '' });
        expect(ran.code).not.toBe(0);
        expect(ran.stderr).toContain(`deleted or written over: ${key}`);
        expect(ran.stdout.trim()).not.toBe('true');
      } finally {
        await h.s3.send(
          new DeleteObjectCommand({ Bucket: witnessBucket, Key: key, VersionId: left.VersionId }),
        );
        await h.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: entry, VersionId: cut.VersionId }));
      }
    }
    const ran = await run(witnessCheck, [], dir, { AWS_ENDPOINT_URL: h.config.s3.endpoint ?? '' });
    expect(ran.stdout.trim()).toBe('true');
  });

  it('detects a tampered volume', async () => {
    const key = `${h.config.archive.prefix}${second.archiveId}/volume-0002.tar.gpg`;
    const got = await h.s3.send(new GetObjectCommand({ Bucket: h.config.archive.bucket, Key: key }));
    const body = Buffer.from(await got.Body!.transformToByteArray());
    body[body.length - 100]! ^= 0x01;
    await h.s3.send(new PutObjectCommand({ Bucket: h.config.archive.bucket, Key: key, Body: body }));
    await rm(join(dir, second.archiveId), { recursive: true, force: true });
    const ran = await runScript([second.archiveId, h.keys.archiverPublic, fpr]);
    expect(ran.code).not.toBe(0);
    expect(ran.stdout).toContain('volume-0002.tar.gpg: FAILED'); // sha256sum names the volume
    expect(ran.stderr).toContain(`FAILED ${second.archiveId}: an encrypted volume differs from the manifest`);
    expect(ran.stdout).not.toContain('OK');
  });
});
