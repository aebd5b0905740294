// Evidence cannot be rolled back, on the real stack: a bucket writer (no key) deletes or writes over witness
// records, chain entries and retention records with plain DELETEs and PUTs (S3 keeps the first version under a
// delete marker or a newer version, and COMPLIANCE retention allows both), plants a time-stamp token from a
// foreign authority for an archive sealed late through an outage, and plants a key rotation record before rotate-key runs.
// Each is named (verify and verify --chain exit 4; the seal and rotate-key refuse), and each case puts the
// buckets back as they were.
import { removeWitnessBucket } from './remove-witness-bucket';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { archiveIdFor, indicesForDate } from '../../src/archive/archive-date';
import {
  archiveLayout,
  chainEntryKey,
  retentionRecordKey,
  rotationRecordLayout,
  witnessRecordKey,
} from '../../src/archive/archive-layout';
import type { ArchiveResult } from '../../src/archive/archive-types';
import { PlantedRotationRecord } from '../../src/archive/rotation-records';
import { rotateKey } from '../../src/cli/rotate-key-command';
import { loadConfig } from '../../src/config';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { LATE_STAMP_FROM_ATTEMPT } from '../../src/evidence/stamp-manifest';
import { requestTimestamp } from '../../src/evidence/request-timestamp';
import { serializeKeyRotation } from '../../src/keys/key-rotation';
import { fingerprint, generateDemoKeys, readSigningKey } from '../../src/pipeline/openpgp-keys';
import { verifyChainWithConfig, verifyWithConfig } from '../../src/verify/verify-with-config';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, workerEnv, type ArchiveHarness } from './archive-harness';
import { uniqueName } from './stack';
import { startTestTsa, type TestTsa } from './tsa-server';

const DAYS = ['2026-08-01', '2026-08-02', '2026-08-03'] as const;
// Short, so the test can remove its witness bucket once the COMPLIANCE retention has run out.
const WITNESS_RETENTION = '40s';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

describe('evidence cannot be rolled back by a bucket writer (real stack)', () => {
  let h: ArchiveHarness;
  let tsa: TestTsa;
  /** Another authority, trusted by nobody here: its tokens stamp the right digest under a foreign CA. */
  let stranger: TestTsa;
  const witnessBucket = uniqueName('wit');
  const sealed: ArchiveResult[] = [];
  const root = join(__dirname, '..', '..');

  const archive = () => h.config.archive.bucket;
  const witnessKey = (sequence: number) => witnessRecordKey(h.config.witness!.prefix, sequence);
  const get = async (bucket: string, key: string): Promise<Buffer> => {
    const got = await h.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await got.Body!.transformToByteArray());
  };
  /** What a bucket writer does, each returning the version (or delete marker) it left, to be removed again. */
  const tamper = {
    delete: async (bucket: string, key: string) =>
      (await h.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }))).VersionId!,
    put: async (bucket: string, key: string, body: Buffer | string) =>
      (await h.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }))).VersionId!,
  };
  /** Removes what `tamper` left (a delete marker or an unlocked version), so the first version is current. */
  const undo = async (left: { bucket: string; key: string; versionId: string }[]) => {
    for (const { bucket, key, versionId } of left.reverse()) {
      await h.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
    }
  };
  const versionsOf = async (bucket: string, key: string) => {
    const listed = await h.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }));
    return [...(listed.Versions ?? []), ...(listed.DeleteMarkers ?? [])].filter((v) => v.Key === key);
  };
  const env = (): NodeJS.ProcessEnv =>
    workerEnv(h, {
      SNAPSEAL_WITNESS_BUCKET: witnessBucket,
      SNAPSEAL_OBJECT_LOCK_DAYS: '1',
      SNAPSEAL_OBJECT_LOCK_MODE: 'GOVERNANCE',
      SNAPSEAL_TSA_URL: tsa.url,
      SNAPSEAL_TSA_CA_FILE: tsa.caFile,
    });
  const cli = (args: string[]) =>
    new Promise<Ran>((resolve) => {
      execFile(
        'node',
        [join(root, 'bin', 'snapseal.js'), ...args],
        { env: env(), timeout: 120_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  const archiveRun = (date: string) =>
    h.runWorker(
      h.temporal.workflow.execute('archiveSnapshot', {
        taskQueue: h.config.temporal.taskQueue,
        workflowId: archiveWorkflowId(h.config.temporal.taskQueue, date),
        args: [{ date }],
      }),
    );
  /** The newest archive and its chain entry deleted as a bucket writer would: a delete marker on each. */
  const cutTail = async () => {
    const a = sealed[1]!;
    const layout = archiveLayout(h.config.archive.prefix, a.archiveId);
    const keys = [
      layout.manifestKey,
      layout.signatureKey,
      chainEntryKey(h.config.archive.prefix, a.sequence),
    ];
    const left = [];
    for (const key of keys)
      left.push({ bucket: archive(), key, versionId: await tamper.delete(archive(), key) });
    return left;
  };

  beforeAll(async () => {
    tsa = await startTestTsa();
    stranger = await startTestTsa();
    h = await createArchiveHarness({
      SNAPSEAL_WITNESS_BUCKET: witnessBucket,
      SNAPSEAL_WITNESS_RETENTION: WITNESS_RETENTION,
      SNAPSEAL_OBJECT_LOCK_DAYS: '1',
      SNAPSEAL_OBJECT_LOCK_MODE: 'GOVERNANCE',
      SNAPSEAL_TSA_URL: tsa.url,
      SNAPSEAL_TSA_CA_FILE: tsa.caFile,
    });
    for (const date of DAYS) await loadSampleDay(h.search, h.template, date, 100);
    for (const date of DAYS.slice(0, 2)) sealed.push(await archiveRun(date));
  });

  afterAll(async () => {
    if (h) {
      await removeWitnessBucket(h.s3, witnessBucket, witnessKey(sealed.length));
      await h.close();
    }
    await tsa?.close();
    await stranger?.close();
  });

  it('starts from a chain the witness agrees with', async () => {
    expect(await verifyChainWithConfig(h.config)).toMatchObject({
      ok: true,
      archives: 2,
      witnessedSequence: 2,
    });
  });

  it('names a witness record deleted after a tail cut: verify --chain exits 4', async () => {
    const left = await cutTail();
    left.push({
      bucket: witnessBucket,
      key: witnessKey(2),
      versionId: await tamper.delete(witnessBucket, witnessKey(2)),
    });
    try {
      const ran = await cli(['verify', '--chain']);
      expect(ran.code).toBe(4);
      expect(ran.stdout).toContain(
        `witness record s3://${witnessBucket}/${witnessKey(2)}: written over after it was recorded: 1 delete marker(s)`,
      );
      // The record's first version still counts: the cut is named too.
      expect(ran.stdout).toContain(
        `archive 2 is missing: the witness saw sequence 2 (#2 ${sealed[1]!.archiveId})`,
      );
    } finally {
      await undo(left);
    }
    expect((await verifyChainWithConfig(h.config)).ok).toBe(true);
  });

  it('names a witness record written over with a new version after a tail cut: verify --chain exits 4', async () => {
    const left = await cutTail();
    // The record of sequence 1 put over the record of sequence 2: a witness that seems to end at 1.
    const first = await get(witnessBucket, witnessKey(1));
    left.push({
      bucket: witnessBucket,
      key: witnessKey(2),
      versionId: await tamper.put(witnessBucket, witnessKey(2), first),
    });
    try {
      const ran = await cli(['verify', '--chain']);
      expect(ran.code).toBe(4);
      expect(ran.stdout).toContain(
        `witness record s3://${witnessBucket}/${witnessKey(2)}: written over after it was recorded: 1 later version(s)`,
      );
      expect(ran.stdout).toContain('archive 2 is missing: the witness saw sequence 2');
    } finally {
      await undo(left);
    }
    expect((await verifyChainWithConfig(h.config)).ok).toBe(true);
  });

  it('names a chain entry deleted, or written over with a new version: verify --chain exits 4', async () => {
    const key = chainEntryKey(h.config.archive.prefix, 1);
    for (const change of [
      () => tamper.delete(archive(), key),
      async () => tamper.put(archive(), key, await get(archive(), key)), // the same bytes, a second version
    ]) {
      const left = [{ bucket: archive(), key, versionId: await change() }];
      try {
        const ran = await cli(['verify', '--chain']);
        expect(ran.code).toBe(4);
        expect(ran.stdout).toMatch(
          new RegExp(
            `chain entry s3://${archive()}/${key}: written over after it was recorded: 1 (delete marker|later version)`,
          ),
        );
      } finally {
        await undo(left);
      }
    }
    expect((await verifyChainWithConfig(h.config)).ok).toBe(true);
  });

  it('names retention.json deleted, or written over with a new version: verify exits 4', async () => {
    const a = sealed[0]!;
    const key = retentionRecordKey(archiveLayout(h.config.archive.prefix, a.archiveId));
    for (const [change, what] of [
      [() => tamper.delete(archive(), key), '1 delete marker(s)'],
      [async () => tamper.put(archive(), key, await get(archive(), key)), '1 later version(s)'],
    ] as const) {
      const left = [{ bucket: archive(), key, versionId: await change() }];
      try {
        const ran = await cli(['verify', a.archiveId]);
        expect(ran.code).toBe(4);
        expect(ran.stdout).toContain(`${key}: written over after it was recorded: ${what}`);
      } finally {
        await undo(left);
      }
    }
    expect((await verifyWithConfig(h.config, a.archiveId)).ok).toBe(true);
  });

  it('seals late through an outage; a token planted for it is named by verify and refused by stamp', async () => {
    const date = DAYS[2];
    const archiveId = archiveIdFor(date, indicesForDate(h.template, date));
    const layout = archiveLayout(h.config.archive.prefix, archiveId);
    // The seal's own authority is down: tokens are asked for before the chain link is claimed, so the seal
    // retries with nothing claimed, and after its retries seals declaring the late stamp in the manifest.
    tsa.refuse(true);
    try {
      sealed.push(await archiveRun(date));
    } finally {
      tsa.refuse(false);
    }
    expect(tsa.refused()).toBe(LATE_STAMP_FROM_ATTEMPT);
    const manifest = JSON.parse((await get(archive(), layout.manifestKey)).toString('utf8')) as {
      lateStamp?: unknown;
    };
    expect(manifest.lateStamp).toEqual({ reason: 'authorities-unreachable' });
    expect(await versionsOf(archive(), layout.timestampKey)).toEqual([]);
    const witnessed = JSON.parse((await get(witnessBucket, witnessKey(3))).toString('utf8')) as object;
    expect(witnessed).not.toHaveProperty('tokenSha256');

    const pending = await cli(['verify', archiveId]);
    expect(pending.code).toBe(7);
    expect(pending.stdout).toContain(
      `WARNING ${archiveId}: late stamp pending: the time-stamp authorities were unreachable when ${archiveId} was sealed and no token has been obtained since (run "snapseal stamp ${archiveId}")`,
    );

    // A bucket writer plants a foreign authority's token over the signed manifest before anyone stamps it.
    const manifestSha256 = createHash('sha256')
      .update(await get(archive(), layout.manifestKey))
      .digest('hex');
    const planted = await requestTimestamp(stranger.url, manifestSha256);
    const left = [
      {
        bucket: archive(),
        key: layout.timestampKey,
        versionId: await tamper.put(archive(), layout.timestampKey, planted.der),
      },
    ];
    try {
      const named = await cli(['verify', archiveId]);
      expect(named.code).toBe(4);
      expect(named.stdout).toContain(
        `${layout.timestampKey}: time-stamp token is not signed by a TSA of SNAPSEAL_TSA_CA_FILE`,
      );
      const refused = await cli(['stamp', archiveId]);
      expect(refused.code).toBe(4); // tampering found
      expect(refused.stderr).toContain(
        `s3://${archive()}/${layout.timestampKey} is already there and is no time-stamp of this manifest`,
      );
    } finally {
      await undo(left);
    }

    // Once the authority answers, stamp stores its token; verify proves the time from its genTime only.
    const stamped = await cli(['stamp', archiveId]);
    expect(stamped.code).toBe(0);
    const genTime = /manifest\.json\.tsr: (\S+)/.exec(stamped.stdout)?.[1];
    expect(genTime).toBeDefined();
    const late = await cli(['verify', archiveId]);
    expect(late.code).toBe(7);
    expect(late.stdout).toContain(
      `WARNING ${archiveId}: late stamp: time proven from ${genTime}, the authority was unreachable when sealed`,
    );
    expect((await verifyChainWithConfig(h.config)).ok).toBe(true);
  });

  it('rotate-key refuses a rotation record somebody else planted, and signs nothing', async () => {
    const pair = await generateDemoKeys({ name: 'Archiver D', email: 'd@snapseal.invalid' });
    const newKeyFile = join(h.keyDir, 'd.sec.asc');
    await writeFile(newKeyFile, pair.privateKey, { mode: 0o600 });
    const archiver = fingerprint(await readSigningKey(await readFile(h.keys.archiverPrivate, 'utf8')));
    const layout = rotationRecordLayout(h.config.archive.prefix, archiver, pair.fingerprint);
    const planted = serializeKeyRotation({
      format: 'snapseal-key-rotation/1',
      fromFingerprint: archiver,
      toFingerprint: pair.fingerprint,
      toPublicKey: pair.publicKey,
      createdAt: new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000).toISOString(),
      reason: 'planted by a bucket writer',
    });
    const versionId = await tamper.put(archive(), layout.recordKey, planted);
    try {
      const err = await rotateKey(loadConfig(env()), {
        oldKeyFile: h.keys.archiverPrivate,
        newKeyFile,
        reason: 'yearly rotation',
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PlantedRotationRecord);
      expect((err as Error).message).toContain(
        `s3://${archive()}/${layout.recordKey} is there but proves no handover`,
      );
      for (const key of [layout.oldKeySignatureKey, layout.newKeySignatureKey]) {
        expect(await versionsOf(archive(), key)).toEqual([]);
      }
    } finally {
      await undo([{ bucket: archive(), key: layout.recordKey, versionId }]);
    }
  });
});
