// After a full run, neither the worker's output nor the Temporal history holds a private key, a passphrase or
// the S3 secret: keys are loaded by the worker and never become workflow or activity arguments.
import { execFile, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as openpgp from 'openpgp';
import { loadSampleDay } from '../../src/demo/load-sample-data';
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
    const workflowId = archiveWorkflowId(h.config.temporal.taskQueue, '2026-11-21');
    try {
      const result = await h.temporal.workflow.execute('archiveSnapshot', {
        taskQueue: h.config.temporal.taskQueue,
        workflowId,
        args: [{ date: '2026-11-21' }],
      });
      expect(result.status).toBe('SEALED');
    } finally {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.kill('SIGTERM');
      await exited;
    }

    const history = (
      await run(
        join(process.env.SNAPSEAL_STACK_BIN!, 'temporal'),
        ['workflow', 'show', '--address', h.config.temporal.address, '-w', workflowId, '--output', 'json'],
        { maxBuffer: 64 * 1024 * 1024 },
      )
    ).stdout;
    expect(history).toContain('archiveSnapshot'); // the export is real, not empty
    // Payloads are base64 in the export: decode every one so arguments and results are searched as text.
    const decoded = [...history.matchAll(/"data":\s*"([A-Za-z0-9+/=]+)"/g)].map((m) =>
      Buffer.from(m[1]!, 'base64').toString('utf8'),
    );
    expect(decoded.join('\n')).toContain('"date":"2026-11-21"');
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
