// The adversary suite's world on the real stack: its own buckets (archive under GOVERNANCE Object Lock so a case
// can be rolled back, a witness bucket with short COMPLIANCE retention), keys, daily indices, one snapseal
// worker whose S3 client goes through a loopback tampering proxy (and its cluster client through another), and a
// direct S3 client for the attacker and the checks. The proxy records every read of a step, captures each run's
// snapshot as the cluster wrote it (before anything was tampered with), and applies one tamper at the first read
// of a chosen site.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  DeleteObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Client as OpenSearch } from '@opensearch-project/opensearch';
import * as openpgp from 'openpgp';
import { loadConfig, type Config } from '../../src/config';
import { ensureDemoKeys, type DemoKeyFiles } from '../../src/demo/demo-keys';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { indicesForDate } from '../../src/archive/archive-date';
import { createOpenSearchClient } from '../../src/opensearch/create-opensearch-client';
import { resolveIndices } from '../../src/opensearch/snapshot-api';
import { createS3Client } from '../../src/s3/create-s3-client';
import { ensureBuckets } from '../../src/setup/ensure-buckets';
import { readDecryptionKey, readRecipientKeys } from '../../src/pipeline/openpgp-keys';
import { createSnapsealWorker } from '../../src/worker-factory';
import { startFaultProxy, type FaultProxy } from '../faults/fault-proxy';
import { removeBucket, uniqueName } from '../integration/stack';
import { waitFor } from '../integration/wait-for';
import { indexDigest, snapshotFiles, type SnapshotFiles } from './ground-truth';
import {
  isRead,
  objectKind,
  parseS3Request,
  siteName,
  siteOf,
  type ReadSite,
  type S3Request,
  type SuiteBuckets,
} from './read-sites';
import { applyTamper, type AppliedTamper, type CleanRead, type TamperKind } from './tampers';

/** Prefixes are single path segments (read-sites.ts relies on it). */
const ARCHIVE_PREFIX = 'adv/';
const STAGING_PREFIX = 'st/';
const WITNESS_PREFIX = 'wit/';
/** Where the suite keeps a copy of each clean run's staging folder: the pool of "another archive's" objects. */
const KEPT_PREFIX = 'kept/';
/** Short, so a case's witness record can be removed again a moment after the case. */
const WITNESS_RETENTION_SECONDS = 2;
/**
 * A tamper persists, so an activity retried after failing this often will fail again: the run is stuck (a clean
 * run retries nothing). Its attempts 1 and 2 fail within seconds under the product's retry policy.
 */
const RETRIED_ATTEMPTS = 3;

export interface RecordedSite {
  site: ReadSite;
  clean: CleanRead;
  example: string;
  requests: number;
}

export interface Tamper {
  site: ReadSite;
  kind: TamperKind;
}

/** What the suite does with the requests the proxy sees, for the step under way. */
interface Session {
  phase: string;
  /** Reads so far in this step, per operation and key: which read of a key this is. */
  reads: Map<string, number>;
  recording?: Map<string, RecordedSite>;
  tamper?: Tamper & { applying?: Promise<AppliedTamper | undefined>; hits: number };
  keepStaging: boolean;
}

export interface StepResult {
  step: string;
  /** ok: the step completed (sealed, verified, restored, passed); detected: it refused, naming why. */
  status: 'ok' | 'detected' | 'crash' | 'stuck';
  /** What the step produced (compared with the clean run), or why it refused. */
  outcome: string;
  /** Invariant violations found after the step (signed other content, restored other data). */
  violations: string[];
}

/** A set of object versions (and delete markers) under a prefix: what a case is rolled back to. */
type VersionSet = Set<string>;

export interface AdversaryStack {
  config: Config;
  direct: S3Client;
  search: OpenSearch;
  temporal: Client;
  buckets: SuiteBuckets;
  keys: DemoKeyFiles;
  template: string;
  /** Snapshot files of every run seen, by the run's repository base path. */
  snapshots: Map<string, Promise<SnapshotFiles>>;
  setPhase(phase: string): void;
  record(): Map<string, RecordedSite>;
  stopRecording(): void;
  arm(tamper: Tamper): void;
  /** The tamper applied in this case (undefined: the site was never read, or there was nothing to act on). */
  disarm(): Promise<{ applied?: AppliedTamper; hits: number }>;
  keepStaging(on: boolean): void;
  /** The key patterns of the objects a swap can take ("another archive's object of the same kind"). */
  swapPatterns(): Promise<Set<string>>;
  versions(): Promise<VersionSet>;
  rollBack(to: VersionSet): Promise<void>;
  runWorkflow<T>(type: string, args: unknown[], limitMs: number): Promise<WorkflowEnd<T>>;
  signerKey(): Promise<openpgp.PublicKey>;
  decryptionKey(): Promise<openpgp.PrivateKey>;
  sourceDigest(date: string): Promise<{ docs: number; sha256: string }>;
  restoredIndices(pattern: string): Promise<string[]>;
  close(): Promise<void>;
}

export type WorkflowEnd<T> =
  | { status: 'ok'; value: T }
  | { status: 'failed'; type?: string; message: string }
  | { status: 'stuck'; message: string };

/** The innermost named ApplicationFailure of a failed workflow: the reason, not the wrappers. */
export function failureType(err: unknown): { type?: string; message: string } {
  let type: string | undefined;
  const messages: string[] = [];
  for (let e = err as { cause?: unknown } | undefined, i = 0; e && i < 10; i++, e = e.cause as typeof e) {
    if (e instanceof ApplicationFailure && e.type) type = e.type;
    if (e instanceof Error && e.message) messages.push(e.message);
  }
  return { type, message: messages[messages.length - 1] ?? String(err) };
}

export async function createAdversaryStack(dates: string[], docs: number): Promise<AdversaryStack> {
  const id = uniqueName('adv');
  const keyDir = await mkdtemp(join(tmpdir(), 'snapseal-adversary-'));
  const keys = await ensureDemoKeys(keyDir);
  const template = `${id}-logs-{DD}{MM}{YYYY}`;
  const buckets: SuiteBuckets = {
    staging: `${id}-staging`,
    archive: `${id}-archive`,
    witness: `${id}-witness`,
  };
  const settings = (s3Endpoint?: string, clusterUrl?: string): Config =>
    loadConfig({
      ...process.env,
      ...(s3Endpoint ? { SNAPSEAL_S3_ENDPOINT: s3Endpoint } : {}),
      ...(clusterUrl ? { SNAPSEAL_OPENSEARCH_URL: clusterUrl } : {}),
      SNAPSEAL_TASK_QUEUE: id,
      SNAPSEAL_STAGING_BUCKET: buckets.staging,
      SNAPSEAL_STAGING_PREFIX: STAGING_PREFIX,
      SNAPSEAL_ARCHIVE_BUCKET: buckets.archive,
      SNAPSEAL_ARCHIVE_PREFIX: ARCHIVE_PREFIX,
      SNAPSEAL_WITNESS_BUCKET: buckets.witness,
      SNAPSEAL_WITNESS_PREFIX: WITNESS_PREFIX,
      SNAPSEAL_WITNESS_RETENTION: `${WITNESS_RETENTION_SECONDS}s`,
      SNAPSEAL_OBJECT_LOCK_DAYS: '1',
      SNAPSEAL_OBJECT_LOCK_MODE: 'GOVERNANCE',
      SNAPSEAL_INDEX_TEMPLATE: template,
      SNAPSEAL_RECIPIENT_KEY_FILES: keys.recipientPublic,
      SNAPSEAL_SIGNING_KEY_FILE: keys.archiverPrivate,
      SNAPSEAL_DECRYPTION_KEY_FILE: keys.recipientPrivate,
      SNAPSEAL_LIFECYCLE_TRANSITIONS: 'false',
      SNAPSEAL_SCHEDULE_ID: `${id}-daily`,
    });
  const directConfig = settings();
  const direct = createS3Client(directConfig.s3);
  await ensureBuckets(direct, directConfig);
  const proxy: FaultProxy = await startFaultProxy(directConfig.s3.endpoint!);
  const clusterProxy: FaultProxy = await startFaultProxy(
    process.env.SNAPSEAL_OPENSEARCH_URL ?? 'http://127.0.0.1:9200',
  );
  const config = settings(proxy.url, clusterProxy.url);
  const search = createOpenSearchClient(directConfig.opensearch, directConfig.s3.region);
  for (const date of dates) await loadSampleDay(search, template, date, docs);
  const connection = await Connection.connect({ address: config.temporal.address });
  const temporal = new Client({ connection, namespace: config.temporal.namespace });
  const recipients = await readRecipientKeys([await readFile(keys.recipientPublic, 'utf8')]);

  const snapshots = new Map<string, Promise<SnapshotFiles>>();
  const session: Session = { phase: 'setup', reads: new Map(), keepStaging: false };
  const tamperContext = {
    s3: direct,
    recipients,
    pools: {
      archive: { bucket: buckets.archive, prefix: ARCHIVE_PREFIX },
      staging: { bucket: buckets.staging, prefix: KEPT_PREFIX },
      witness: { bucket: buckets.witness, prefix: WITNESS_PREFIX },
    },
  };

  /** A copy of an archive's staging folders (its runs), taken as its seal writes the manifest. */
  const keep = async (archiveId: string): Promise<void> => {
    const from = `${STAGING_PREFIX}${archiveId}/`;
    const listed = await direct.send(new ListObjectsV2Command({ Bucket: buckets.staging, Prefix: from }));
    for (const o of listed.Contents ?? []) {
      await direct.send(
        new CopyObjectCommand({
          Bucket: buckets.staging,
          Key: `${KEPT_PREFIX}${o.Key!.slice(STAGING_PREFIX.length)}`,
          CopySource: `${buckets.staging}/${encodeURIComponent(o.Key!)}`,
        }),
      );
    }
  };

  proxy.intercept(async (method, path) => {
    const request = parseS3Request(buckets, method, path);
    if (!request) return;
    // The run's snapshot as the cluster wrote it, before the first read of its repository or plan (no tamper
    // has touched it yet: a tamper is applied after this, on the same request at the earliest).
    const run = /^st\/(?!restore\/)[^/]+\/[^/]+\/(?=repository\/|work\/)/.exec(request.key)?.[0];
    if (request.role === 'staging' && run) {
      const basePath = `${run}repository`;
      if (!snapshots.has(basePath)) snapshots.set(basePath, snapshotFiles(direct, buckets.staging, basePath));
      await snapshots.get(basePath);
    }
    if (session.keepStaging && request.role === 'archive' && method === 'PUT') {
      const sealing = /^adv\/([^/]+)\/manifest\.json$/.exec(request.key);
      if (sealing) await keep(sealing[1]!);
    }
    if (isRead(request)) return onRead(request);
  });

  // The cluster's own read of the staged restore repository, as it is asked to restore from it: a read site
  // too ("CLUSTER-RESTORE staging:restore/<id>/<run>/repository/"), tampered with like a listing of it.
  clusterProxy.intercept(async (method, path) => {
    if (method !== 'POST' || !/^\/_snapshot\/[^/]+\/[^/]+\/_restore/.test(path)) return;
    const staged = await direct.send(
      new ListObjectsV2Command({ Bucket: buckets.staging, Prefix: `${STAGING_PREFIX}restore/` }),
    );
    const newest = (staged.Contents ?? [])
      .filter((o) => o.Key!.includes('/repository/'))
      .sort((a, b) => (b.LastModified?.getTime() ?? 0) - (a.LastModified?.getTime() ?? 0))[0];
    if (!newest) return;
    const key = newest.Key!.slice(0, newest.Key!.indexOf('/repository/') + '/repository/'.length);
    const onAnswer = await onRead({
      method: 'GET',
      role: 'staging',
      bucket: buckets.staging,
      operation: 'CLUSTER-RESTORE',
      key,
      listing: true,
      bucketLevel: false,
    });
    return onAnswer ?? undefined;
  });

  async function onRead(request: S3Request): Promise<((status: number) => void) | undefined> {
    const read = `${request.operation}\n${request.bucket}\n${request.key}`;
    const nth = (session.reads.get(read) ?? 0) + 1;
    session.reads.set(read, nth);
    const site = siteOf(session.phase, request, nth);
    const name = siteName(site);
    const recording = session.recording;
    if (recording) {
      const seen = recording.get(name);
      if (seen) {
        seen.requests += 1;
        return undefined;
      }
      const entry: RecordedSite = { site, clean: { status: 0 }, example: request.key, requests: 1 };
      recording.set(name, entry);
      if (request.listing) {
        const listed = await direct.send(
          new ListObjectsV2Command({ Bucket: request.bucket, Prefix: request.key, MaxKeys: 1 }),
        );
        entry.clean.listed = listed.KeyCount ?? 0;
      }
      return (status) => void (entry.clean.status = status);
    }
    const tamper = session.tamper;
    if (tamper && siteName(tamper.site) === name) {
      tamper.hits += 1;
      tamper.applying ??= applyTamper(tamperContext, tamper.kind, request);
      await tamper.applying;
    }
    return undefined;
  }

  const listVersions = async (bucket: string, prefix: string): Promise<string[]> => {
    const out: string[] = [];
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    for (;;) {
      const page = await direct.send(
        new ListObjectVersionsCommand({
          Bucket: bucket,
          Prefix: prefix,
          KeyMarker: keyMarker,
          VersionIdMarker: versionMarker,
        }),
      );
      for (const v of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])])
        out.push(`${bucket}\n${v.Key!}\n${v.VersionId!}`);
      if (!page.IsTruncated) return out;
      keyMarker = page.NextKeyMarker;
      versionMarker = page.NextVersionIdMarker;
    }
  };

  /** The first activity of the run (or its children) that is being retried after failing, with its failure. */
  const retrying = async (type: string, workflowId: string, depth = 0): Promise<string | undefined> => {
    const { raw } = await temporal.workflow.getHandle(workflowId).describe();
    for (const a of raw.pendingActivities ?? []) {
      if ((a.attempt ?? 0) >= RETRIED_ATTEMPTS)
        return `${type}: activity ${a.activityType?.name ?? '?'} retried ${(a.attempt ?? 1) - 1} times without a named failure (last: ${a.lastFailure?.message ?? '?'})`;
    }
    if (depth > 3) return undefined;
    for (const child of raw.pendingChildren ?? []) {
      const found = await retrying(type, child.workflowId!, depth + 1);
      if (found) return found;
    }
    return undefined;
  };

  const stack: AdversaryStack = {
    config,
    direct,
    search,
    temporal,
    buckets,
    keys,
    template,
    snapshots,
    setPhase(phase) {
      session.phase = phase;
      session.reads = new Map();
    },
    record: () => (session.recording = new Map()),
    stopRecording: () => void (session.recording = undefined),
    arm: (tamper) => void (session.tamper = { ...tamper, hits: 0 }),
    async disarm() {
      const tamper = session.tamper;
      session.tamper = undefined;
      return { applied: await tamper?.applying, hits: tamper?.hits ?? 0 };
    },
    keepStaging: (on) => void (session.keepStaging = on),
    async swapPatterns() {
      const patterns = new Set<string>();
      for (const role of ['archive', 'staging', 'witness'] as const) {
        const { bucket, prefix } = tamperContext.pools[role];
        let token: string | undefined;
        do {
          const page = await direct.send(
            new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
          );
          for (const o of page.Contents ?? []) patterns.add(objectKind(role, o.Key!));
          token = page.NextContinuationToken;
        } while (token);
      }
      return patterns;
    },
    async versions() {
      return new Set([
        ...(await listVersions(buckets.archive, ARCHIVE_PREFIX)),
        ...(await listVersions(buckets.witness, WITNESS_PREFIX)),
      ]);
    },
    async rollBack(to) {
      const uploads = await direct.send(new ListMultipartUploadsCommand({ Bucket: buckets.archive }));
      for (const u of uploads.Uploads ?? []) {
        await direct.send(
          new AbortMultipartUploadCommand({ Bucket: buckets.archive, Key: u.Key!, UploadId: u.UploadId! }),
        );
      }
      const added = [...(await stack.versions())].filter((v) => !to.has(v));
      for (const entry of added) {
        const [bucket, key, versionId] = entry.split('\n') as [string, string, string];
        // A witness record stays under COMPLIANCE for WITNESS_RETENTION_SECONDS: wait it out.
        await waitFor(
          () =>
            direct
              .send(
                new DeleteObjectCommand({
                  Bucket: bucket,
                  Key: key,
                  VersionId: versionId,
                  BypassGovernanceRetention: bucket === buckets.archive,
                }),
              )
              .then(
                () => true,
                () => false,
              ),
          `removal of ${key} (${versionId})`,
          { timeoutMs: 30_000, everyMs: 500 },
        );
      }
    },
    async runWorkflow<T>(type: string, args: unknown[], limitMs: number): Promise<WorkflowEnd<T>> {
      const handle = await temporal.workflow.start(type, {
        taskQueue: config.temporal.taskQueue,
        workflowId: uniqueName(`${id}-${type}`),
        args,
      });
      const result = handle.result().then(
        (value: T): WorkflowEnd<T> => ({ status: 'ok', value }),
        (err: unknown): WorkflowEnd<T> => ({
          status: 'failed',
          ...failureType(err),
        }),
      );
      // Stuck: an activity (of the run or a child) failed the same way RETRIED_ATTEMPTS times and is retried
      // again, or the run is still going at the limit.
      let stuck: string | undefined;
      const started = Date.now();
      for (;;) {
        const first = await Promise.race([
          result,
          new Promise<'poll'>((r) => setTimeout(() => r('poll'), 2000)),
        ]);
        if (first !== 'poll') return first;
        stuck = await retrying(type, handle.workflowId).catch(() => undefined);
        if (!stuck && Date.now() - started > limitMs) stuck = `still running after ${limitMs / 1000} s`;
        if (stuck) break;
      }
      // Cancel (its cleanup runs), then give up on it.
      await handle.cancel();
      const ended = await Promise.race([
        result,
        new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), 60_000)),
      ]);
      if (ended === 'late') await handle.terminate('adversary suite: still running after cancellation');
      return { status: 'stuck', message: `${stuck}; cancelled` };
    },
    signerKey: async () => openpgp.readKey({ armoredKey: await readFile(keys.archiverPublic, 'utf8') }),
    decryptionKey: async () => readDecryptionKey(await readFile(keys.recipientPrivate, 'utf8')),
    sourceDigest: (date) => indexDigest(search, indicesForDate(template, date)),
    restoredIndices: async (pattern) => (await resolveIndices(search, pattern)).map((i) => i.name),
    async close() {
      proxy.intercept(undefined);
      clusterProxy.intercept(undefined);
      await connection.close();
      await search.indices.delete({ index: `*${id}-*` }, { ignore: [404] });
      await search.close();
      await proxy.close();
      await clusterProxy.close();
      await waitFor(
        async () => {
          for (const bucket of Object.values(buckets)) {
            const gone = await removeBucket(direct, bucket).then(
              () => true,
              (err: { name?: string }) => err.name === 'NoSuchBucket',
            );
            if (!gone) return false;
          }
          return true;
        },
        'removal of the suite’s buckets',
        { timeoutMs: 60_000, everyMs: 2000 },
      );
      direct.destroy();
      await rm(keyDir, { recursive: true, force: true });
    },
  };
  return stack;
}

/** Runs `work` with one snapseal worker (all roles) whose S3 client goes through the proxy. */
export async function withWorker<T>(stack: AdversaryStack, work: () => Promise<T>): Promise<T> {
  const { worker, close } = await createSnapsealWorker(stack.config);
  try {
    return await worker.runUntil(work());
  } finally {
    await close();
  }
}
