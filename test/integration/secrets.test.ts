// After a full run (archive with its batches, verify, restore, drill), neither the worker's output nor any
// Temporal history the run created holds a private key, a passphrase or the S3 secret: keys are loaded by the
// worker and never become workflow or activity arguments.
import { execFile, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as openpgp from 'openpgp';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { taskQueuesFor } from '../../src/task-queues';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, workerEnv, type ArchiveHarness } from './archive-harness';
import { uniqueName } from './stack';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');

/** The lines of an armored key's body: any of them appearing anywhere would leak the key. */
async function keyLines(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8')).split('\n').filter((l) => /^[A-Za-z0-9+/=]{40,}$/.test(l));
}

describe('secrets stay out of logs and history (real stack)', () => {
  let h: ArchiveHarness;
  afterAll(async () => h?.close());

  it('leaves no key material, passphrase or S3 secret in worker output or the exported history', async () => {
    h = await createArchiveHarness();
    const passphrase = `pass-${uniqueName('p')}`;
    const locked = join(h.keyDir, 'archiver-locked.sec.asc');
    const key = await openpgp.readPrivateKey({ armoredKey: await readFile(h.keys.archiverPrivate, 'utf8') });
    await writeFile(locked, (await openpgp.encryptKey({ privateKey: key, passphrase })).armor());
    await loadSampleDay(h.search, h.template, '2026-11-21', 500);

    const worker = spawn('node', [join(root, 'dist', 'worker.js')], {
      env: workerEnv(h, { SNAPSEAL_SIGNING_KEY_FILE: locked, SNAPSEAL_SIGNING_KEY_PASSPHRASE: passphrase }),
    });
    let output = '';
    worker.stdout.on('data', (d: Buffer) => (output += d.toString()));
    worker.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const queue = h.config.temporal.taskQueue;
    const queues = taskQueuesFor(queue);
    const workflowId = archiveWorkflowId(queue, '2026-11-21');
    try {
      const result = await h.temporal.workflow.execute('archiveSnapshot', {
        taskQueue: queue,
        workflowId,
        args: [{ date: '2026-11-21' }],
      });
      expect(result.status).toBe('SEALED');
      // Every kind of run the worker serves: verify, restore and a drill, beside the archive and its batches.
      const report = await h.temporal.workflow.execute('verifyArchiveWorkflow', {
        taskQueue: queues.restore,
        workflowId: `${queue}/verify/${result.archiveId}`,
        args: [result.archiveId],
      });
      expect(report.ok).toBe(true);
      await h.temporal.workflow.execute('restoreArchive', {
        taskQueue: queues.restore,
        workflowId: `${queue}/restore/${result.archiveId}`,
        args: [{ archiveId: result.archiveId, renamePrefix: 'sec-' }],
      });
      const drill = await h.temporal.workflow.execute('restoreDrill', {
        taskQueue: queue,
        workflowId: `${queue}/drill`,
        args: [],
      });
      expect(drill.passed).toBe(true);
    } finally {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.kill('SIGTERM');
      await exited;
    }

    // Every run of every workflow this test started, children and continued runs included (ids start with the
    // harness's queue), exported whole.
    const temporal = (args: string[]) =>
      run(
        join(process.env.SNAPSEAL_STACK_BIN!, 'temporal'),
        [...args, '--address', h.config.temporal.address],
        {
          maxBuffer: 64 * 1024 * 1024,
        },
      ).then((r) => r.stdout);
    const executions = JSON.parse(
      await temporal([
        'workflow',
        'list',
        '--query',
        `WorkflowId STARTS_WITH "${queue}/"`,
        '--limit',
        '1000',
        '--output',
        'json',
      ]),
    ) as { type: { name: string }; execution: { workflowId: string; runId: string } }[];
    const types = new Set(executions.map((e) => e.type.name));
    for (const type of [
      'archiveSnapshot',
      'archiveVolumeBatch',
      'verifyArchiveWorkflow',
      'restoreArchive',
      'restoreDrill',
    ])
      expect([type, types.has(type)]).toEqual([type, true]);
    const histories: string[] = [];
    for (const { execution } of executions) {
      histories.push(
        await temporal([
          'workflow',
          'show',
          '-w',
          execution.workflowId,
          '-r',
          execution.runId,
          '--output',
          'json',
        ]),
      );
    }
    const history = histories.join('\n');
    expect(history).toContain('archiveSnapshot'); // the export is real, not empty
    // Payloads are base64 in the export: decode every one so arguments and results are searched as text.
    const decoded = [...history.matchAll(/"data":\s*"([A-Za-z0-9+/=]+)"/g)].map((m) =>
      Buffer.from(m[1]!, 'base64').toString('utf8'),
    );
    expect(decoded.join('\n')).toContain('"date":"2026-11-21"');
    expect(decoded.join('\n')).toContain('"renamePrefix":"sec-"');
    const haystack = `${history}\n${decoded.join('\n')}`;
    expect(output).toContain('polling task queue');
    const secrets = [
      passphrase,
      h.config.s3.credentials!.secretAccessKey.reveal(),
      ...(await keyLines(h.keys.archiverPrivate)),
      ...(await keyLines(locked)),
      ...(await keyLines(h.keys.recipientPrivate)),
    ];
    expect(secrets.length).toBeGreaterThan(10);
    for (const secret of secrets) {
      expect(haystack.includes(secret)).toBe(false);
      expect(output.includes(secret)).toBe(false);
    }
  });
});
