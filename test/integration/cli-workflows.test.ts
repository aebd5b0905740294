// The commands that hand their work to the workers, run as a user runs them (the built bin against a real
// worker): archive, list, verify here and on the workers, restore, drill run and verify --chain, each with its
// exit code and its --json result.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readKey } from 'openpgp';
import { indicesForDate } from '../../src/archive/archive-date';
import type { ArchiveResult } from '../../src/archive/archive-types';
import type { ArchiveListing } from '../../src/cli/list-archives';
import { ensureDemoKeys } from '../../src/demo/demo-keys';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import type { RestoreResult } from '../../src/restore/restore-types';
import type { VerifyReport } from '../../src/verify/verify-archive';
import type { DrillOutcome } from '../../src/workflows/restore-drill';
import { createArchiveHarness, workerEnv, type ArchiveHarness } from './archive-harness';
import { snapsealJson } from './snapseal-cli';

const bin = join(__dirname, '..', '..', 'bin', 'snapseal.js');

describe('snapseal commands that run on the workers', () => {
  let h: ArchiveHarness;
  beforeAll(async () => {
    h = await createArchiveHarness();
  });
  afterAll(async () => h?.close());

  /** Run `snapseal --json <args>` for this harness; its stdout must be one JSON value. */
  const snapseal = <T>(args: string[]) => snapsealJson<T>(workerEnv(h), args);

  it('archives a day, lists it, verifies it here and on the workers, restores it and drills it', async () => {
    const date = '2026-11-10';
    await loadSampleDay(h.search, h.template, date, 300);
    // Restored indices start with the harness's id, so its cleanup removes them.
    const prefix = `${h.template.split('-logs-')[0]}-restored-`;

    await h.runWorker(
      (async () => {
        const archived = await snapseal<ArchiveResult & { workflowId: string }>(['archive', '--date', date]);
        expect(archived.code).toBe(0);
        expect(archived.out.status).toBe('SEALED');
        const { archiveId } = archived.out;
        expect(archived.out.indices.map((i) => i.docCount)).toEqual([300]);

        const listed = await snapseal<ArchiveListing[]>(['list']);
        expect(listed.code).toBe(0);
        expect(listed.out).toEqual([expect.objectContaining({ id: archiveId, status: 'SEALED', date })]);

        for (const where of [[], ['--workflow']]) {
          const verified = await snapseal<VerifyReport>(['verify', archiveId, ...where]);
          expect(verified.code).toBe(0);
          expect(verified.out).toMatchObject({ archiveId, ok: true, problems: [] });
          expect(verified.out.volumesChecked).toBe(archived.out.volumes);
        }

        const restored = await snapseal<RestoreResult>(['restore', archiveId, '--rename-prefix', prefix]);
        expect(restored.code).toBe(0);
        expect(restored.out.indices).toEqual([
          expect.objectContaining({
            restoredAs: `${prefix}${archived.out.indices[0]!.name}`,
            expected: 300,
            actual: 300,
          }),
        ]);

        const drill = await snapseal<DrillOutcome>(['drill', 'run']);
        expect(drill.code).toBe(0);
        expect(drill.out).toMatchObject({ archiveId, passed: true });

        const chain = await snapseal<{
          ok: boolean;
          archives: number;
          assurance: { inForce: string[]; notProven: string[] };
        }>(['verify', '--chain']);
        expect(chain.code).toBe(0);
        expect(chain.out).toMatchObject({ ok: true, archives: 1 });
        // An OK says what it is worth: no time-stamp authority here, so createdAt is the signer's word.
        expect(chain.out.assurance.notProven.join('\n')).toMatch(/no time-stamp authority/);
      })(),
    );
  });

  it('exits with code 4 when the archive to verify does not exist, and says so', async () => {
    const missing = await snapseal<VerifyReport>(['verify', '2026-01-01_nothing-here']);
    expect(missing.code).toBe(4);
    expect(missing.out.ok).toBe(false);
    expect(missing.out.problems.length).toBeGreaterThan(0);
  });

  it('exits with code 4 naming the key ids when the decryption key is not a recipient, with no crash (text and --json alike)', async () => {
    const date = '2026-11-10'; // archived by the first test
    const archiveId = `${date}_${indicesForDate(h.template, date)}`;
    const otherDir = await mkdtemp(join(tmpdir(), 'snapseal-other-keys-'));
    try {
      const other = await ensureDemoKeys(otherDir);
      const recipient = await readKey({ armoredKey: await readFile(h.keys.recipientPublic, 'utf8') });
      const encryptedFor = (await recipient.getEncryptionKey()).getKeyID().toHex().toUpperCase();
      const env = workerEnv(h, { SNAPSEAL_DECRYPTION_KEY_FILE: other.recipientPrivate });

      const json = await snapsealJson<VerifyReport>(env, ['verify', archiveId]);
      expect(json.code).toBe(4);
      expect(json.out).toMatchObject({ archiveId, ok: false });
      const problem = json.out.problems[0]!.problem;
      expect(problem).toContain('cannot be decrypted with SNAPSEAL_DECRYPTION_KEY_FILE');
      expect(problem).toContain(`encrypted for key id(s) ${encryptedFor}`);
      expect(json.stderr).not.toMatch(/\n\s+at |Unhandled|ECONNRESET/);

      const human = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile('node', [bin, 'verify', archiveId], { env, timeout: 120_000 }, (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        ),
      );
      expect(human.code).toBe(4);
      expect(human.stdout).toContain(`FAILED ${archiveId}:`);
      expect(human.stdout).toContain(problem);
      expect(human.stderr).not.toMatch(/\n\s+at |Unhandled|ECONNRESET/);
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
  });
});
