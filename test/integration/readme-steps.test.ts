// The README's "Using snapseal" block, run as written and in order by bash from the repository's root on the
// local stack, so the README and snapseal cannot drift apart. Only what keeps it from touching other runs'
// things is added (environment beats the settings file): its own buckets, task queue and Schedule id.
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, rmdirSync, symlinkSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client, Connection, ScheduleNotFoundError } from '@temporalio/client';
import { withEnvFile } from '../../src/config';
import { witnessRecordKey } from '../../src/archive/archive-layout';
import { removeWitnessBucket } from './remove-witness-bucket';
import { opensearch, removeBucket, s3, uniqueName } from './stack';
import { withSecureDefaults } from './test-opt-outs';

const ROOT = join(__dirname, '..', '..');
const SECTION = '## Using snapseal';

/** The first ```sh block of the README section; throws when the section or the block is gone. */
export function readmeSteps(readme: string, section = SECTION): string {
  const start = readme.indexOf(`\n${section}\n`);
  if (start < 0) throw new Error(`README.md has no section "${section}"`);
  const end = readme.indexOf('\n## ', start + section.length + 2);
  const body = readme.slice(start, end < 0 ? undefined : end);
  const block = /\n```sh\n([\s\S]*?)\n```/.exec(body);
  if (!block?.[1]) throw new Error(`README.md's "${section}" has no \`\`\`sh block`);
  return block[1];
}

/** Runs `script` with bash in `cwd`; resolves with the exit code and everything it printed. */
function runBash(
  script: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    // -e: a failing command stops the run; -x: the output says which command it was. Its own process group,
    // so the worker it starts in the background goes with it.
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-x', '-c', script], { cwd, env, detached: true });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => {
      try {
        process.kill(-child.pid!, 'SIGKILL'); // whatever the block left running
      } catch {
        // the group is gone already
      }
      done({ code, output });
    });
  });
}

describe('README "Using snapseal"', () => {
  const settingsFile = resolve(process.env.SNAPSEAL_STACK_ENV ?? join(ROOT, '.stack', 'env'));
  const readmeSettings = join(ROOT, '.stack', 'env'); // the block's `export SNAPSEAL_ENV_FILE=.stack/env`
  const id = uniqueName('readme');
  const isolation = {
    SNAPSEAL_STAGING_BUCKET: `${id}-staging`,
    SNAPSEAL_ARCHIVE_BUCKET: `${id}-archive`,
    SNAPSEAL_TASK_QUEUE: id,
    SNAPSEAL_SCHEDULE_ID: `${id}-daily`,
    // The block runs with the default witness (<archive>-witness); its record is COMPLIANCE, so kept short here.
    SNAPSEAL_WITNESS_RETENTION: '30s',
  };
  const indices = ['logdata-21112026', 'restored-logdata-21112026'];
  const cleanUp: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    // The block reads .stack/env from the root; a worktree whose tests use another checkout's stack links it.
    if (!existsSync(readmeSettings)) {
      const dir = join(ROOT, '.stack');
      const madeDir = !existsSync(dir);
      mkdirSync(dir, { recursive: true });
      symlinkSync(settingsFile, readmeSettings);
      cleanUp.push(() => {
        if (lstatSync(readmeSettings).isSymbolicLink()) unlinkSync(readmeSettings);
        if (madeDir) rmdirSync(dir);
      });
    } else if (readFileSync(readmeSettings, 'utf8') !== readFileSync(settingsFile, 'utf8')) {
      throw new Error(
        `${readmeSettings} is not the stack's settings file ${settingsFile}: the README's steps would use another stack`,
      );
    }
    // The sample index stays if it was there before (it is the README's, another run may use it).
    const search = opensearch();
    const existing = await Promise.all(
      indices.map(async (index) => (await search.indices.exists({ index })).body === true),
    );
    cleanUp.push(async () => {
      const ours = indices.filter((_, i) => !existing[i]);
      if (ours.length) await search.indices.delete({ index: ours.join(',') }, { ignore: [404] });
      await search.close();
    });
  });

  afterAll(async () => {
    // The block deletes its Schedule as its last step; a run that stopped before leaves it to this.
    const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
    await new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE }).schedule
      .getHandle(isolation.SNAPSEAL_SCHEDULE_ID)
      .delete()
      .catch((err: unknown) => {
        if (!(err instanceof ScheduleNotFoundError)) throw err;
      });
    await connection.close();
    const client = s3();
    for (const bucket of [isolation.SNAPSEAL_STAGING_BUCKET, isolation.SNAPSEAL_ARCHIVE_BUCKET]) {
      await removeBucket(client, bucket).catch((err: { name?: string }) => {
        if (err.name !== 'NoSuchBucket') throw err;
      });
    }
    await removeWitnessBucket(
      client,
      `${isolation.SNAPSEAL_ARCHIVE_BUCKET}-witness`,
      witnessRecordKey('witness/', 1),
    );
    client.destroy();
    for (const step of cleanUp.reverse()) await step();
  });

  it('runs as written, in order, on the local stack', async () => {
    const script = readmeSteps(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    // The settings come from the block's own `export SNAPSEAL_ENV_FILE=...`, not from this test's environment,
    // with snapseal's defaults (witness, retention: the tests' opt-outs removed), then the isolation on top.
    const env: NodeJS.ProcessEnv = withSecureDefaults(process.env);
    for (const name of Object.keys(withEnvFile(settingsFile, {}))) delete env[name];
    delete env.SNAPSEAL_ENV_FILE;
    Object.assign(env, isolation);
    const { code, output } = await runBash(script, ROOT, env);
    if (code !== 0)
      throw new Error(`the README's block failed (exit ${code}); its output ends:\n${output.slice(-6000)}`);
    // What a reader is told to expect: an archive sealed, verified, restored and drilled.
    expect(output).toMatch(/sealed/i);
    // setup and status say the assurance in force, verify --chain too: the defaults, with the stack's TSA.
    expect(output).toContain(
      `witness: s3://${isolation.SNAPSEAL_ARCHIVE_BUCKET}-witness/witness/ (the default bucket; COMPLIANCE, 30 s;`,
    );
    expect(output).toContain(
      'retention: Object Lock GOVERNANCE, 365 days on every sealed object (the default)',
    );
    expect(output).toMatch(/time evidence: RFC 3161 tokens from http:\/\/127\.0\.0\.1:\d+\/tsa/);
    expect(output).toMatch(/restored-logdata-21112026/);
    const search = opensearch();
    try {
      const restored = await search.count({ index: 'restored-logdata-21112026' });
      const original = await search.count({ index: 'logdata-21112026' });
      expect(restored.body.count).toBe(original.body.count);
    } finally {
      await search.close();
    }
  }, 900_000);
});
