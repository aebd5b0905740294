// Evidence beyond the archive bucket, on the real stack: the chain witness (a bucket under Object Lock
// COMPLIANCE) names a cut tail and refuses a seal over it, every sealed object's retention is read back and
// held to its promise, and a signer whose key is at hand but not pinned is refused. Each case fails if the
// detection breaks, and puts the archive bucket back as it was.
import { removeWitnessBucket } from './remove-witness-bucket';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectRetentionCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectRetentionCommand,
} from '@aws-sdk/client-s3';
import { ActivityFailure, ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { loadConfig, type Config } from '../../src/config';
import type { ArchiveResult } from '../../src/archive/archive-types';
import {
  archiveLayout,
  chainEntryKey,
  retentionRecordKey,
  witnessRecordKey,
} from '../../src/archive/archive-layout';
import { archiveIdFor, indicesForDate } from '../../src/archive/archive-date';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import type { RetentionRecord } from '../../src/evidence/retention-record';
import type { WitnessRecord } from '../../src/evidence/chain-witness';
import { signManifest } from '../../src/pipeline/manifest';
import { fingerprint, generateDemoKeys, readSigningKey } from '../../src/pipeline/openpgp-keys';
import type { VerifyReport } from '../../src/verify/verify-archive';
import { verifyChainWithConfig, verifyWithConfig } from '../../src/verify/verify-with-config';
import { taskQueuesFor } from '../../src/task-queues';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, type ArchiveHarness } from './archive-harness';
import { uniqueName } from './stack';

const DAYS = ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04'] as const;
// Short, so the test can remove its witness bucket once the COMPLIANCE retention has run out.
const WITNESS_RETENTION = '40s';

describe('chain witness and retention evidence (real stack)', () => {
  let h: ArchiveHarness;
  const witnessBucket = uniqueName('wit');
  const sealed: ArchiveResult[] = [];
  const root = join(__dirname, '..', '..');

  const archive = () => h.config.archive.bucket;
  const get = async (bucket: string, key: string): Promise<Buffer> => {
    const got = await h.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await got.Body!.transformToByteArray());
  };
  const archiveRun = (date: string) =>
    h.runWorker(
      h.temporal.workflow.execute('archiveSnapshot', {
        taskQueue: h.config.temporal.taskQueue,
        workflowId: archiveWorkflowId(h.config.temporal.taskQueue, date),
        args: [{ date }],
      }),
    );
  const objectsOf = (a: ArchiveResult): string[] => {
    const layout = archiveLayout(h.config.archive.prefix, a.archiveId);
    return [layout.manifestKey, layout.signatureKey, chainEntryKey(h.config.archive.prefix, a.sequence)];
  };
  /** Deletes as a bucket writer would (a delete marker on top of each locked version). */
  const cut = async (keys: string[]) => {
    for (const key of keys) await h.s3.send(new DeleteObjectCommand({ Bucket: archive(), Key: key }));
  };
  /** Removes the delete markers again, so the original (locked) versions are current. */
  const uncut = async (keys: string[]) => {
    for (const key of keys) {
      const versions = await h.s3.send(new ListObjectVersionsCommand({ Bucket: archive(), Prefix: key }));
      for (const marker of (versions.DeleteMarkers ?? []).filter((m) => m.Key === key)) {
        await h.s3.send(
          new DeleteObjectCommand({ Bucket: archive(), Key: key, VersionId: marker.VersionId }),
        );
      }
    }
  };
  const cliEnv = (): NodeJS.ProcessEnv => ({
    ...process.env,
    SNAPSEAL_TASK_QUEUE: h.config.temporal.taskQueue,
    SNAPSEAL_STAGING_BUCKET: h.config.staging.bucket,
    SNAPSEAL_ARCHIVE_BUCKET: archive(),
    SNAPSEAL_INDEX_TEMPLATE: h.template,
    SNAPSEAL_SIGNING_KEY_FILE: h.keys.archiverPrivate,
    SNAPSEAL_DECRYPTION_KEY_FILE: h.keys.recipientPrivate,
    SNAPSEAL_WITNESS_BUCKET: witnessBucket,
    SNAPSEAL_OBJECT_LOCK_DAYS: '1',
  });
  const cli = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        'node',
        [join(root, 'bin', 'snapseal.js'), ...args],
        { env: cliEnv(), timeout: 120_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    h = await createArchiveHarness({
      SNAPSEAL_WITNESS_BUCKET: witnessBucket,
      SNAPSEAL_WITNESS_RETENTION: WITNESS_RETENTION,
      SNAPSEAL_OBJECT_LOCK_DAYS: '1',
      SNAPSEAL_OBJECT_LOCK_MODE: 'GOVERNANCE',
    });
    for (const date of DAYS) {
      await loadSampleDay(h.search, h.template, date, 200);
      sealed.push(await archiveRun(date));
    }
  });

  afterAll(async () => {
    if (!h) return;
    await removeWitnessBucket(h.s3, witnessBucket, witnessRecordKey(h.config.witness!.prefix, sealed.length));
    await h.close();
  });

  it('witnesses each seal under COMPLIANCE retention, once, and records every object’s retention', async () => {
    const chain = await verifyChainWithConfig(h.config);
    expect(chain).toMatchObject({ ok: true, archives: 4, witnessedSequence: 4 });

    const key = witnessRecordKey(h.config.witness!.prefix, 4);
    const record = JSON.parse((await get(witnessBucket, key)).toString('utf8')) as WitnessRecord;
    expect(record).toMatchObject({
      sequence: 4,
      archiveId: sealed[3]!.archiveId,
      manifestSha256: sealed[3]!.manifestSha256,
    });
    const lock = await h.s3.send(new GetObjectRetentionCommand({ Bucket: witnessBucket, Key: key }));
    expect(lock.Retention?.Mode).toBe('COMPLIANCE');
    // Not even the bypass permission removes or overwrites a witness record.
    const versions = await h.s3.send(new ListObjectVersionsCommand({ Bucket: witnessBucket, Prefix: key }));
    await expect(
      h.s3.send(
        new DeleteObjectCommand({
          Bucket: witnessBucket,
          Key: key,
          VersionId: versions.Versions![0]!.VersionId,
          BypassGovernanceRetention: true,
        }),
      ),
    ).rejects.toThrow();
    await expect(
      h.s3.send(new PutObjectCommand({ Bucket: witnessBucket, Key: key, Body: '{}', IfNoneMatch: '*' })),
    ).rejects.toThrow();

    const layout = archiveLayout(h.config.archive.prefix, sealed[0]!.archiveId);
    const retention = JSON.parse(
      (await get(archive(), retentionRecordKey(layout))).toString('utf8'),
    ) as RetentionRecord;
    expect(retention.promised?.mode).toBe('GOVERNANCE');
    expect(retention.objects.map((o) => o.key)).toEqual(
      expect.arrayContaining([layout.volumeKey(1), layout.manifestKey, layout.signatureKey]),
    );
    for (const o of retention.objects) {
      expect(o).toMatchObject({ mode: 'GOVERNANCE', retainUntil: retention.promised!.retainUntil });
    }
    expect((await verifyWithConfig(h.config, sealed[0]!.archiveId)).ok).toBe(true);
  });

  it('names a tail cut of 1 archive from the witness, and from the chain entry’s delete marker', async () => {
    const keys = objectsOf(sealed[3]!);
    await cut(keys);
    try {
      // The chain entries are read with their versions: a plain delete leaves a marker over the entry.
      const withoutWitness: Config = { ...h.config, witness: undefined };
      const entry = chainEntryKey(h.config.archive.prefix, 4);
      expect((await verifyChainWithConfig(withoutWitness)).problems).toEqual([
        {
          sequence: 4,
          problem: expect.stringContaining(
            `chain entry s3://${archive()}/${entry}: written over after it was recorded: 1 delete marker(s)`,
          ),
        },
        expect.objectContaining({
          sequence: 4,
          problem: expect.stringMatching(/^sealed as #4 but .* is gone$/),
        }),
      ]);
      const chain = await verifyChainWithConfig(h.config);
      expect(chain.ok).toBe(false);
      expect(chain.problems).toContainEqual({
        sequence: 4,
        archiveId: sealed[3]!.archiveId,
        problem: `archive 4 is missing: the witness saw sequence 4 (#4 ${sealed[3]!.archiveId})`,
      });
      const ran = await cli(['verify', '--chain']);
      expect(ran.code).toBe(4);
      expect(ran.stdout).toContain('archive 4 is missing: the witness saw sequence 4');
    } finally {
      await uncut(keys);
    }
    expect((await verifyChainWithConfig(h.config)).ok).toBe(true);
  });

  it('names a tail cut of 3 archives with their sequence numbers and ids', async () => {
    const keys = sealed.slice(1).flatMap(objectsOf);
    await cut(keys);
    try {
      const chain = await verifyChainWithConfig(h.config);
      expect(chain.ok).toBe(false);
      expect(chain.problems).toContainEqual(
        expect.objectContaining({
          sequence: 2,
          problem: `archives 2-4 are missing: the witness saw sequence 4 (${sealed
            .slice(1)
            .map((a) => `#${a.sequence} ${a.archiveId}`)
            .join(', ')})`,
        }),
      );
    } finally {
      await uncut(keys);
    }
  });

  it('refuses to seal a new archive over a cut tail, and signs nothing', async () => {
    const date = '2026-10-05';
    await loadSampleDay(h.search, h.template, date, 100);
    const [manifestKey, signatureKey, entry] = objectsOf(sealed[3]!);
    const newFolder = `${h.config.archive.prefix}${archiveIdFor(date, indicesForDate(h.template, date))}/`;
    // A plain delete of the newest chain entry leaves a marker the seal reads: it refuses by the entry's name.
    await cut([manifestKey!, signatureKey!, entry!]);
    try {
      const err = await archiveRun(date).catch((e: unknown) => e);
      const cause = ((err as WorkflowFailedError).cause as ActivityFailure).cause as ApplicationFailure;
      expect(cause.type).toBe('ArchiveTampered');
      expect(cause.message).toContain(
        `s3://${archive()}/${entry}: written over after it was recorded: 1 delete marker(s)`,
      );
      await expect(get(archive(), `${newFolder}manifest.json.asc`)).rejects.toThrow();
    } finally {
      await uncut([entry!]);
    }
    // With the entry's versions removed too (GOVERNANCE allows it with the bypass header), only the witness
    // remembers sequence 4: the seal claims it again, and the witness refuses.
    const entryBytes = await get(archive(), entry!);
    const entryLock = await h.s3.send(new GetObjectRetentionCommand({ Bucket: archive(), Key: entry }));
    const removeVersions = async (key: string) => {
      const versions = await h.s3.send(new ListObjectVersionsCommand({ Bucket: archive(), Prefix: key }));
      for (const v of [...(versions.Versions ?? []), ...(versions.DeleteMarkers ?? [])].filter(
        (x) => x.Key === key,
      ))
        await h.s3.send(
          new DeleteObjectCommand({
            Bucket: archive(),
            Key: key,
            VersionId: v.VersionId,
            BypassGovernanceRetention: true,
          }),
        );
    };
    await removeVersions(entry!);
    try {
      const err = await archiveRun(date).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const cause = ((err as WorkflowFailedError).cause as ActivityFailure).cause as ApplicationFailure;
      expect(cause.type).toBe('ArchiveTampered');
      expect(cause.message).toContain(
        `as sequence 4: the witness already saw sequence 4 as archive ${sealed[3]!.archiveId}`,
      );
      await expect(get(archive(), `${newFolder}manifest.json.asc`)).rejects.toThrow();
    } finally {
      // The refused seal's claim of entry 4 goes; the sealed entry is put back, once, with its retention.
      await removeVersions(entry!);
      await h.s3.send(
        new PutObjectCommand({
          Bucket: archive(),
          Key: entry,
          Body: entryBytes,
          ChecksumAlgorithm: 'SHA256',
          ObjectLockMode: entryLock.Retention!.Mode,
          ObjectLockRetainUntilDate: entryLock.Retention!.RetainUntilDate,
        }),
      );
      await uncut([manifestKey!, signatureKey!]);
    }
    expect((await verifyChainWithConfig(h.config)).ok).toBe(true);
  });

  it('names an object whose GOVERNANCE retention was shortened with the bypass header', async () => {
    const a = sealed[0]!;
    const key = archiveLayout(h.config.archive.prefix, a.archiveId).volumeKey(1);
    const before = await h.s3.send(new GetObjectRetentionCommand({ Bucket: archive(), Key: key }));
    const shortened = new Date(Date.now() + 3_600_000);
    await h.s3.send(
      new PutObjectRetentionCommand({
        Bucket: archive(),
        Key: key,
        BypassGovernanceRetention: true,
        Retention: { Mode: 'GOVERNANCE', RetainUntilDate: shortened },
      }),
    );
    try {
      const report = await verifyWithConfig(h.config, a.archiveId);
      expect(report.ok).toBe(false);
      expect(report.problems).toEqual([
        {
          archiveId: a.archiveId,
          file: key,
          problem: `retention until ${shortened.toISOString()} (GOVERNANCE) is shorter than the promised ${new Date(before.Retention!.RetainUntilDate!).toISOString()} (GOVERNANCE)`,
        },
      ]);
      const ran = await cli(['verify', a.archiveId]);
      expect(ran.code).toBe(4);
      expect(ran.stdout).toContain(`${key}: retention until ${shortened.toISOString()} (GOVERNANCE)`);
      // The verify workflow (any restore worker) holds the retention to the same promise.
      const onWorkers: VerifyReport = await h.runWorker(
        h.temporal.workflow.execute('verifyArchiveWorkflow', {
          taskQueue: taskQueuesFor(h.config.temporal.taskQueue).restore,
          workflowId: uniqueName('verify-retention'),
          args: [a.archiveId],
        }),
      );
      expect(onWorkers.ok).toBe(false);
      expect(onWorkers.volumesChecked).toBe(a.volumes);
      expect(onWorkers.problems).toEqual(report.problems);
    } finally {
      await h.s3.send(
        new PutObjectRetentionCommand({ Bucket: archive(), Key: key, Retention: before.Retention }),
      );
    }
    expect((await verifyWithConfig(h.config, a.archiveId)).ok).toBe(true);
  });

  it('names a retention record rewritten after sealing (a later version over the sealed one)', async () => {
    const a = sealed[1]!;
    const key = retentionRecordKey(archiveLayout(h.config.archive.prefix, a.archiveId));
    const record = JSON.parse((await get(archive(), key)).toString('utf8')) as RetentionRecord;
    const lowered = { ...record, promised: null, objects: record.objects.map((o) => ({ ...o, mode: null })) };
    await h.s3.send(new PutObjectCommand({ Bucket: archive(), Key: key, Body: JSON.stringify(lowered) }));
    try {
      const report = await verifyWithConfig(h.config, a.archiveId);
      // The first version is still the record (its digest is the witness's); the one written over it is named.
      expect(report.problems).toEqual([
        {
          archiveId: a.archiveId,
          file: key,
          problem: expect.stringMatching(
            /^written over after it was recorded: 1 later version\(s\) over version \S+ \(records are written once\): the retention record was tampered with$/,
          ),
        },
      ]);
    } finally {
      const versions = await h.s3.send(new ListObjectVersionsCommand({ Bucket: archive(), Prefix: key }));
      const newest = (versions.Versions ?? []).find((v) => v.IsLatest);
      await h.s3.send(new DeleteObjectCommand({ Bucket: archive(), Key: key, VersionId: newest!.VersionId }));
    }
    expect((await verifyWithConfig(h.config, a.archiveId)).ok).toBe(true);
  });

  it('refuses a manifest signed by a key that is at hand but not pinned', async () => {
    const a = sealed[2]!;
    const impostor = await generateDemoKeys({ name: 'Retired Archiver', email: 'retired@example.invalid' });
    const impostorFile = join(h.keyDir, 'unpinned.pub.asc');
    await writeFile(impostorFile, impostor.publicKey);
    const archiver = await readSigningKey(await readFile(h.keys.archiverPrivate, 'utf8'));
    const pinned = loadConfig({
      ...cliEnv(),
      SNAPSEAL_RECIPIENT_KEY_FILES: h.keys.recipientPublic,
      SNAPSEAL_VERIFY_KEY_FILES: `${h.keys.archiverPublic},${impostorFile}`,
      SNAPSEAL_TRUSTED_SIGNER_FINGERPRINTS: fingerprint(archiver),
    });
    const ascKey = `${a.manifestKey}.asc`;
    const text = await get(archive(), a.manifestKey);
    await h.s3.send(
      new PutObjectCommand({
        Bucket: archive(),
        Key: ascKey,
        Body: await signManifest(text, await readSigningKey(impostor.privateKey)),
      }),
    );
    try {
      // The signature names its key by key id (the fingerprint's last 16 hex digits).
      const impostorFingerprint = fingerprint(await readSigningKey(impostor.privateKey)).slice(-16);
      const report = await verifyWithConfig(pinned, a.archiveId);
      expect(report.ok).toBe(false);
      expect(report.volumesChecked).toBe(0);
      expect(report.problems[0]!.problem).toContain(
        `signed by key ${impostorFingerprint}, which is not a trusted archiver key`,
      );
      const chain = await verifyChainWithConfig(pinned);
      expect(chain.ok).toBe(false);
      expect(chain.problems.find((p) => p.archiveId === a.archiveId)?.problem).toContain(
        `signed by key ${impostorFingerprint}, which is not a trusted archiver key`,
      );
    } finally {
      const versions = await h.s3.send(new ListObjectVersionsCommand({ Bucket: archive(), Prefix: ascKey }));
      const newest = (versions.Versions ?? []).find((v) => v.IsLatest && v.Key === ascKey);
      await h.s3.send(
        new DeleteObjectCommand({ Bucket: archive(), Key: ascKey, VersionId: newest!.VersionId }),
      );
    }
    expect((await verifyChainWithConfig(pinned)).ok).toBe(true);
  });
});
