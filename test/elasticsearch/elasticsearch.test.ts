// The whole mission on a real Elasticsearch 8.19 node (scripts/stack.sh es up), security on as Elasticsearch 8
// ships it: the worker connects over HTTPS, trusting the stack's CA (SNAPSEAL_OPENSEARCH_TLS_CA_FILE), as the
// user "snapseal" whose role holds only what snapseal needs; the test's own set-up runs as a superuser.
// Archive → verify → restore under a new prefix with the document counts compared → drill, and the README's
// by-hand end: the unpacked volumes restored from an Elasticsearch `fs` repository.
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { Client } from '@opensearch-project/opensearch';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { indicesForDate } from '../../src/archive/archive-date';
import type { ArchiveResult } from '../../src/archive/archive-types';
import type { Config } from '../../src/config';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { getClusterInfo, resolveIndices } from '../../src/opensearch/snapshot-api';
import { parseManifest } from '../../src/pipeline/manifest';
import type { RestoreResult } from '../../src/restore/restore-types';
import { verifyWithConfig } from '../../src/verify/verify-with-config';
import type { DrillOutcome } from '../../src/workflows/restore-drill';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, type ArchiveHarness } from '../integration/archive-harness';
import { gnupg, sh } from '../integration/gnupg';
import { opensearch, stackConfig, uniqueName } from '../integration/stack';

const DATE = '2026-11-21';

/** The stack's superuser, for the test's own set-up only (sample indices, fs repositories, clean-up). */
function adminSettings(): Record<string, string> {
  const { SNAPSEAL_STACK_ADMIN_USERNAME: username, SNAPSEAL_STACK_ADMIN_PASSWORD: password } = process.env;
  if (!username || !password) {
    throw new Error(
      'SNAPSEAL_STACK_ADMIN_USERNAME/PASSWORD are missing: run with SNAPSEAL_STACK_ENV=.stack/env.elasticsearch-8 (scripts/stack.sh es up)',
    );
  }
  return { SNAPSEAL_OPENSEARCH_USERNAME: username, SNAPSEAL_OPENSEARCH_PASSWORD: password };
}

describe('Elasticsearch 8.19 with security on (real node)', () => {
  let h: ArchiveHarness;
  /** snapseal's own settings: the limited user "snapseal" (the worker runs with these). */
  let snapseal: Config;
  let docs: number;
  let sealed: ArchiveResult;
  const index = () => indicesForDate(h.template, DATE);

  const run = <T>(workflow: string, args: unknown[], workflowId = uniqueName(workflow)): Promise<T> =>
    h.runWorker(
      h.temporal.workflow.execute(workflow, { taskQueue: h.config.temporal.taskQueue, workflowId, args }),
      undefined,
      snapseal,
    ) as Promise<T>;

  beforeAll(async () => {
    h = await createArchiveHarness({ SNAPSEAL_MAX_VOLUME_MIB: '1', ...adminSettings() });
    snapseal = { ...h.config, opensearch: stackConfig().opensearch };
    docs = (await loadSampleDay(h.search, h.template, DATE, 6000)).docs;
    sealed = await run<ArchiveResult>(
      'archiveSnapshot',
      [{ date: DATE }],
      archiveWorkflowId(h.config.temporal.taskQueue, DATE),
    );
  });
  afterAll(async () => h?.close());

  it('is Elasticsearch 8.19 over HTTPS, and the user snapseal cannot do what it does not need', async () => {
    expect(snapseal.opensearch.url).toMatch(/^https:\/\//);
    expect(snapseal.opensearch.tlsCa).toContain('-----BEGIN CERTIFICATE-----');
    expect(snapseal.opensearch.username).toBe('snapseal');
    const limited = opensearch();
    try {
      expect(await getClusterInfo(limited)).toMatchObject({
        distribution: 'elasticsearch',
        version: '8.19.21',
      });
      const refused = await limited.indices.create({ index: uniqueName('refused') }).catch((e: unknown) => e);
      expect((refused as { meta?: { statusCode?: number } }).meta?.statusCode).toBe(403);
      const read = await limited.search({ index: index() }).catch((e: unknown) => e);
      expect((read as { meta?: { statusCode?: number } }).meta?.statusCode).toBe(403);
    } finally {
      await limited.close();
    }
  });

  it('archives the day: sealed, counted from the snapshot commits, staging and repository cleaned', async () => {
    expect(sealed.status).toBe('SEALED');
    expect(sealed.volumes).toBeGreaterThan(1);
    const got = await h.s3.send(
      new GetObjectCommand({ Bucket: h.config.archive.bucket, Key: sealed.manifestKey }),
    );
    const manifest = parseManifest(Buffer.from(await got.Body!.transformToByteArray()).toString('utf8'));
    expect(manifest.cluster).toMatchObject({ distribution: 'elasticsearch', version: '8.19.21' });
    expect(manifest.indices).toEqual([
      expect.objectContaining({ name: index(), docCount: docs, docCountSource: 'snapshot-commit' }),
    ]);
    const repositories = (await h.search.snapshot.getRepository({})).body as Record<
      string,
      { settings?: { bucket?: string } }
    >;
    expect(Object.values(repositories).filter((r) => r.settings?.bucket === h.config.staging.bucket)).toEqual(
      [],
    );
  });

  it('verifies: signature, both digests of every volume, every file', async () => {
    const report = await verifyWithConfig(snapseal, sealed.archiveId);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.volumesChecked).toBe(sealed.volumes);
  });

  it('restores under --rename-prefix with the manifest document counts', async () => {
    const prefix = `restored-${uniqueName('r')}-`;
    const result = await run<RestoreResult>('restoreArchive', [
      { archiveId: sealed.archiveId, renamePrefix: prefix },
    ]);
    expect(result.indices).toEqual([
      { name: index(), restoredAs: `${prefix}${index()}`, expected: docs, actual: docs },
    ]);
    expect((await h.search.count({ index: `${prefix}${index()}` })).body.count).toBe(docs);
    await h.search.indices.delete({ index: `${prefix}${index()}` });
  });

  it('runs a restore drill of the newest archive and removes what it restored', async () => {
    const outcome = await run<DrillOutcome>('restoreDrill', []);
    expect(outcome.failure).toBeUndefined();
    expect(outcome).toMatchObject({ passed: true, archiveId: sealed.archiveId });
    expect(outcome.restored?.indices[0]).toMatchObject({ expected: docs, actual: docs });
    expect(await resolveIndices(h.search, 'drill-*')).toEqual([]);
  });

  it('restores by hand: gpg --decrypt | tar into an Elasticsearch fs repository, same document count', async () => {
    const search: Client = h.search;
    const g = await gnupg([h.keys.archiverPublic, h.keys.recipientPrivate]);
    const work = join(process.env.SNAPSEAL_OPENSEARCH_FS_REPO_PATH!, uniqueName('by-hand'));
    const repository = uniqueName('by-hand');
    await mkdir(join(work, 'repository'), { recursive: true });
    try {
      const got = await h.s3.send(
        new GetObjectCommand({ Bucket: h.config.archive.bucket, Key: sealed.manifestKey }),
      );
      const manifest = parseManifest(Buffer.from(await got.Body!.transformToByteArray()).toString('utf8'));
      for (const volume of manifest.volumes) {
        const encrypted = join(work, `v${volume.index}.tar.gpg`);
        const tar = join(work, `v${volume.index}.tar`);
        const object = await h.s3.send(
          new GetObjectCommand({ Bucket: h.config.archive.bucket, Key: volume.key }),
        );
        await writeFile(encrypted, await object.Body!.transformToByteArray());
        await g.gpg(['--output', tar, '--decrypt', encrypted]);
        expect((await sh('sha256sum', [tar])).split(' ')[0]).toBe(volume.plaintextSha256);
        await sh('tar', ['-xf', tar, '-C', join(work, 'repository')]);
        await rm(encrypted);
        await rm(tar);
      }
      for (const file of manifest.volumes.flatMap((v) => v.files)) {
        const bytes = await readFile(join(work, 'repository', file.path));
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
      }
      await search.snapshot.createRepository({
        repository,
        body: { type: 'fs', settings: { location: join(work, 'repository'), readonly: true } as object },
      });
      await search.snapshot.restore({
        repository,
        snapshot: sealed.snapshot,
        wait_for_completion: true,
        body: { indices: index(), rename_pattern: '(.+)', rename_replacement: 'by-hand-$1' },
      });
      expect((await search.count({ index: `by-hand-${index()}` })).body.count).toBe(docs);
      await search.indices.delete({ index: `by-hand-${index()}` });
    } finally {
      await search.snapshot.deleteRepository({ repository }, { ignore: [404] });
      await g.close();
      await rm(work, { recursive: true, force: true });
    }
  });
});
