// Least privilege on the real stack: each role runs with credentials of its own (a MinIO user whose policy is
// deploy/iam/<role>.json, rendered for this test's buckets). Every role's job succeeds (archive → seal →
// witness → verify → restore), and each action a role must not take is refused by the server.
import { removeWitnessBucket } from './remove-witness-bucket';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  PutObjectRetentionCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import * as openpgp from 'openpgp';
import { loadConfig, type Config } from '../../src/config';
import { fingerprint } from '../../src/pipeline/openpgp-keys';
import type { ArchiveResult } from '../../src/archive/archive-types';
import {
  archiveLayout,
  chainEntryKey,
  volumeRecordKey,
  witnessRecordKey,
} from '../../src/archive/archive-layout';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import type { RestoreResult } from '../../src/restore/restore-types';
import { POLICY_ROLES, renderRolePolicy, type PolicyRole } from '../../src/setup/role-policies';
import { verifyChainWithConfig, verifyWithConfig } from '../../src/verify/verify-with-config';
import { taskQueuesFor } from '../../src/task-queues';
import { createSnapsealWorker } from '../../src/worker-factory';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, workerEnv, type ArchiveHarness } from './archive-harness';
import { uniqueName } from './stack';

const DATE = '2026-11-14';
const WITNESS_RETENTION = '30s';
const ROOT = join(__dirname, '..', '..');

interface RoleUser {
  accessKeyId: string;
  secretAccessKey: string;
}

/** MinIO's client with its own configuration folder, pointed at the stack as its root user. */
function minioAdmin(configDir: string, s3: Config['s3']) {
  const mc = execFileSync('bash', [join(ROOT, 'scripts', 'minio-client.sh')], { encoding: 'utf8' }).trim();
  const run = (...args: string[]): string =>
    execFileSync(mc, ['--config-dir', configDir, '--quiet', ...args], { encoding: 'utf8' });
  run(
    'alias',
    'set',
    'stack',
    s3.endpoint!,
    s3.credentials!.accessKeyId,
    s3.credentials!.secretAccessKey.reveal(),
  );
  return run;
}

describe('least privilege per role (real stack, one MinIO user per role)', () => {
  let h: ArchiveHarness;
  let mcDir: string;
  let mc: (...args: string[]) => string;
  const witnessBucket = uniqueName('lpw');
  const users = new Map<PolicyRole, RoleUser>();
  const clients = new Map<PolicyRole, S3Client>();
  let sealed: ArchiveResult;

  const configFor = (role: PolicyRole, extra: Record<string, string> = {}): Config => {
    const user = users.get(role)!;
    return loadConfig(
      workerEnv(h, {
        SNAPSEAL_WITNESS_BUCKET: witnessBucket,
        SNAPSEAL_WITNESS_RETENTION: WITNESS_RETENTION,
        SNAPSEAL_OBJECT_LOCK_DAYS: '1',
        SNAPSEAL_OBJECT_LOCK_MODE: 'GOVERNANCE',
        SNAPSEAL_LIFECYCLE_TRANSITIONS: 'false',
        SNAPSEAL_S3_ACCESS_KEY_ID: user.accessKeyId,
        SNAPSEAL_S3_SECRET_ACCESS_KEY: user.secretAccessKey,
        ...extra,
      }),
    );
  };
  const client = (role: PolicyRole): S3Client => clients.get(role)!;

  /** Workers of the given roles, each with its role's credentials, running until `work` settles. */
  const withRoleWorkers = async <T>(
    roles: {
      role: 'archive' | 'stream' | 'seal' | 'restore';
      user: PolicyRole;
      extra?: Record<string, string>;
    }[],
    start: () => Promise<T>,
  ): Promise<T> => {
    const started = await Promise.all(
      roles.map(({ role, user, extra }) =>
        createSnapsealWorker(configFor(user, { SNAPSEAL_WORKER_ROLES: role, ...extra })),
      ),
    );
    const work = start();
    try {
      await Promise.allSettled(started.map(({ worker }) => worker.runUntil(work)));
      return await work;
    } finally {
      for (const { close } of started) await close();
    }
  };

  beforeAll(async () => {
    h = await createArchiveHarness({
      SNAPSEAL_WITNESS_BUCKET: witnessBucket,
      SNAPSEAL_WITNESS_RETENTION: WITNESS_RETENTION,
      SNAPSEAL_OBJECT_LOCK_DAYS: '1',
      SNAPSEAL_OBJECT_LOCK_MODE: 'GOVERNANCE',
    });
    mcDir = await mkdtemp(join(tmpdir(), 'snapseal-mc-'));
    mc = minioAdmin(mcDir, h.config.s3);
    const places = {
      archiveBucket: h.config.archive.bucket,
      archivePrefix: h.config.archive.prefix,
      stagingBucket: h.config.staging.bucket,
      stagingPrefix: h.config.staging.prefix,
      witnessBucket,
      witnessPrefix: h.config.witness!.prefix,
    };
    const id = h.config.temporal.taskQueue;
    for (const role of POLICY_ROLES) {
      const user = { accessKeyId: `${id}-${role}`, secretAccessKey: `${role}-${Math.random().toString(36)}` };
      const file = join(mcDir, `${role}.json`);
      await writeFile(file, JSON.stringify(renderRolePolicy(role, places)));
      users.set(role, user);
      mc('admin', 'user', 'add', 'stack', user.accessKeyId, user.secretAccessKey);
      mc('admin', 'policy', 'create', 'stack', user.accessKeyId, file);
      mc('admin', 'policy', 'attach', 'stack', user.accessKeyId, '--user', user.accessKeyId);
      clients.set(
        role,
        new S3Client({
          region: h.config.s3.region,
          endpoint: h.config.s3.endpoint,
          forcePathStyle: true,
          credentials: user,
          maxAttempts: 1,
        }),
      );
    }
    await loadSampleDay(h.search, h.template, DATE, 300);
  });

  afterAll(async () => {
    for (const c of clients.values()) c.destroy();
    for (const user of users.values()) {
      for (const args of [
        ['user', 'remove'],
        ['policy', 'remove'],
      ]) {
        try {
          mc('admin', ...args, 'stack', user.accessKeyId);
        } catch {
          // not created: the set-up stopped before it
        }
      }
    }
    await rm(mcDir, { recursive: true, force: true });
    if (!h) return;
    await removeWitnessBucket(h.s3, witnessBucket, witnessRecordKey(h.config.witness!.prefix, 1));
    await h.close();
  });

  it('archives, seals and witnesses with one set of credentials per role', async () => {
    const witnessUser = users.get('witness-writer')!;
    sealed = await withRoleWorkers(
      [
        { role: 'archive', user: 'archive-worker' },
        { role: 'stream', user: 'stream-worker' },
        {
          role: 'seal',
          user: 'seal-worker',
          extra: {
            SNAPSEAL_WITNESS_S3_ACCESS_KEY_ID: witnessUser.accessKeyId,
            SNAPSEAL_WITNESS_S3_SECRET_ACCESS_KEY: witnessUser.secretAccessKey,
          },
        },
      ],
      () =>
        h.temporal.workflow.execute('archiveSnapshot', {
          taskQueue: h.config.temporal.taskQueue,
          workflowId: archiveWorkflowId(h.config.temporal.taskQueue, DATE),
          args: [{ date: DATE }],
        }) as Promise<ArchiveResult>,
    );
    expect(sealed.status).toBe('SEALED');
    expect(sealed.sequence).toBe(1);
    // The witness writer wrote the record: the seal worker's own credentials could not have.
    const witnessed = await h.s3.send(
      new GetObjectCommand({ Bucket: witnessBucket, Key: witnessRecordKey(h.config.witness!.prefix, 1) }),
    );
    expect(JSON.parse(await witnessed.Body!.transformToString())).toMatchObject({
      archiveId: sealed.archiveId,
    });
  });

  it('verifies the archive and the chain with read-only credentials', async () => {
    const report = await verifyWithConfig(configFor('verifier'), sealed.archiveId);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    const chain = await verifyChainWithConfig(configFor('verifier'));
    expect(chain.problems).toEqual([]);
    expect(chain).toMatchObject({ ok: true, archives: 1, witnessedSequence: 1 });
  });

  it("restores with the restore role's credentials", async () => {
    // A restore worker holds no signing key: it trusts the pinned archiver key.
    const archiver = await readFile(h.keys.archiverPublic, 'utf8').then((armored) =>
      openpgp.readKey({ armoredKey: armored }),
    );
    const pins = {
      SNAPSEAL_SIGNING_KEY_FILE: '',
      SNAPSEAL_VERIFY_KEY_FILES: h.keys.archiverPublic,
      SNAPSEAL_TRUSTED_SIGNER_FINGERPRINTS: fingerprint(archiver),
    };
    const restoreWorker = [{ role: 'restore' as const, user: 'restore-worker' as const, extra: pins }];
    const result = (await withRoleWorkers(restoreWorker, () =>
      h.temporal.workflow.execute('restoreArchive', {
        taskQueue: taskQueuesFor(h.config.temporal.taskQueue).restore,
        workflowId: uniqueName('lp-restore'),
        args: [{ archiveId: sealed.archiveId, renamePrefix: 'lp-' }],
      }),
    )) as RestoreResult;
    expect(result.indices.length).toBeGreaterThan(0);
  });

  it('refuses every action a role must not take', async () => {
    const layout = archiveLayout(h.config.archive.prefix, sealed.archiveId);
    const archive = h.config.archive.bucket;
    const staging = h.config.staging.bucket;
    const witnessKey = witnessRecordKey(h.config.witness!.prefix, 2);
    const restoreKey = `${h.config.staging.prefix}restore/${sealed.archiveId}/run/repository/index-9`;
    const put = (Bucket: string, Key: string) => new PutObjectCommand({ Bucket, Key, Body: 'forged' });
    const del = (Bucket: string, Key: string) => new DeleteObjectCommand({ Bucket, Key });
    const unlock = (Key: string) =>
      new PutObjectRetentionCommand({
        Bucket: archive,
        Key,
        // Longer than the lock in force: a change the server would take from a role allowed to make it.
        Retention: { Mode: 'GOVERNANCE', RetainUntilDate: new Date(Date.now() + 10 * 86_400_000) },
      });
    const forbidden: [
      PolicyRole,
      string,
      PutObjectCommand | DeleteObjectCommand | PutObjectRetentionCommand | GetObjectCommand,
    ][] = [
      ['stream-worker', 'write a manifest', put(archive, layout.manifestKey)],
      ['stream-worker', 'write a signature', put(archive, layout.signatureKey)],
      ['stream-worker', 'claim a chain entry', put(archive, chainEntryKey(h.config.archive.prefix, 2))],
      ['stream-worker', 'write a witness record', put(witnessBucket, witnessKey)],
      ['stream-worker', 'delete a volume', del(archive, layout.volumeKey(1))],
      ['stream-worker', 'set retention on a volume', unlock(layout.volumeKey(1))],
      ['archive-worker', 'write a volume', put(archive, layout.volumeKey(1))],
      ['archive-worker', 'write a manifest', put(archive, layout.manifestKey)],
      ['archive-worker', 'write a witness record', put(witnessBucket, witnessKey)],
      ['seal-worker', 'write a volume', put(archive, layout.volumeKey(1))],
      ['seal-worker', 'write a witness record', put(witnessBucket, witnessKey)],
      ['seal-worker', 'delete a manifest', del(archive, layout.manifestKey)],
      [
        'witness-writer',
        'delete a witness record',
        del(witnessBucket, witnessRecordKey(h.config.witness!.prefix, 1)),
      ],
      ['witness-writer', 'write into the archive bucket', put(archive, layout.manifestKey)],
      ['restore-worker', 'write a manifest', put(archive, layout.manifestKey)],
      ['restore-worker', 'write a witness record', put(witnessBucket, witnessKey)],
      ['verifier', 'write a manifest', put(archive, layout.manifestKey)],
      ['verifier', 'write a witness record', put(witnessBucket, witnessKey)],
      [
        'verifier',
        'delete from staging',
        del(staging, volumeRecordKey({ runFolder: '', repositoryBasePath: '', workPrefix: 'x/' }, 1)),
      ],
      [
        'cluster-repository',
        'read a volume',
        new GetObjectCommand({ Bucket: archive, Key: layout.volumeKey(1) }),
      ],
      ['cluster-repository', 'write into the archive bucket', put(archive, layout.manifestKey)],
      ['cluster-repository', 'write a witness record', put(witnessBucket, witnessKey)],
      ['cluster-repository', 'write a staged restore file', put(staging, restoreKey)],
      ['archive-worker', 'write a staged restore file', put(staging, restoreKey)],
      ['stream-worker', 'write a staged restore file', put(staging, restoreKey)],
    ];
    const allowed: string[] = [];
    for (const [role, what, command] of forbidden) {
      const outcome = await client(role)
        .send(command as never)
        .then(
          () => 'allowed',
          (err: { name?: string }) => err.name ?? 'error',
        );
      if (outcome !== 'AccessDenied') allowed.push(`${role} could ${what}: ${outcome}`);
    }
    expect(allowed).toEqual([]);
  });
});
