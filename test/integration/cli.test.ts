// The CLI and the worker process as a user runs them: clear messages and exit codes for bad input,
// before any side effect.
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDemoKeys, type DemoKeyFiles } from '../../src/demo/demo-keys';
import { removeBucket, s3, stackConfig, uniqueName } from './stack';

const root = join(__dirname, '..', '..');
const bin = join(root, 'bin', 'snapseal.js');
const worker = join(root, 'dist', 'worker.js');

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      'node',
      [file, ...args],
      { env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('snapseal CLI and worker process', () => {
  let dir: string;
  let keys: DemoKeyFiles;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'snapseal-cli-'));
    keys = await ensureDemoKeys(join(dir, 'keys'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it.each([[[]], [['archive']], [['schedule']], [['verify']], [['list']]])(
    'prints help for %j',
    async (args) => {
      const { code, stdout } = await run(bin, [...args, '--help']);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Usage: snapseal/);
    },
  );

  it('rejects an invalid date with exit code 2 and starts nothing', async () => {
    const queue = uniqueName('cli');
    const { code, stderr } = await run(bin, ['archive', '--date', '2026-02-30', '--no-wait'], {
      SNAPSEAL_TASK_QUEUE: queue,
    });
    expect(code).toBe(2);
    expect(stderr).toContain('Invalid date "2026-02-30": no such calendar day');
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('lists the exit codes, verification failed among them, at the end of --help', async () => {
    const { code, stdout } = await run(bin, ['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/\nExit codes:\n {2}0 {2}success\n/);
    expect(stdout).toContain(
      '  4  verification failed: `verify`, `verify --chain` or `drill run` found a problem',
    );
    expect(stdout).toContain('  5  `status`: the newest archive is older than');
  });

  it("exits with code 2 on an unknown option or command, with commander's message", async () => {
    const option = await run(bin, ['archive', '--bogus']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("error: unknown option '--bogus'");
    const command = await run(bin, ['nope']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain("error: unknown command 'nope'");
  });

  it("reports Temporal's refusal of a cron typo with exit code 2 and creates no schedule", async () => {
    const env = { SNAPSEAL_SCHEDULE_ID: uniqueName('cli-cron') };
    const { code, stderr } = await run(bin, ['schedule', 'create', '--cron', '30 25x * * *'], env);
    expect(code).toBe(2);
    expect(stderr).toContain(
      `Temporal refused the schedule "${env.SNAPSEAL_SCHEDULE_ID}": Hour is not in range [0-23]`,
    );
    expect(stderr).toContain('cron "30 25x * * *" from --cron');
    expect(stderr).not.toMatch(/\n\s+at /);
    const described = await run(bin, ['schedule', 'describe'], env);
    expect(described.code).toBe(2);
    expect(described.stderr).toContain(`No schedule "${env.SNAPSEAL_SCHEDULE_ID}"`);
  });

  it('creates a drill schedule from a weekday-name cron and shows the next runs', async () => {
    const env = { SNAPSEAL_SCHEDULE_ID: uniqueName('cli-drill') };
    const created = await run(bin, ['--json', 'drill', 'schedule', '--cron', '0 6 * * MON-FRI'], env);
    try {
      expect(created.code).toBe(0);
      const out = JSON.parse(created.stdout) as { scheduleId: string; cron: string; nextRuns: string[] };
      expect(out).toMatchObject({ scheduleId: `${env.SNAPSEAL_SCHEDULE_ID}-drill`, cron: '0 6 * * MON-FRI' });
      expect(out.nextRuns.length).toBeGreaterThan(0);
      for (const next of out.nextRuns) {
        const day = new Date(next).getUTCDay();
        expect(day >= 1 && day <= 5 && new Date(next).getUTCHours() === 6).toBe(true);
      }
    } finally {
      // The drill schedule is SNAPSEAL_SCHEDULE_ID-drill: the daily commands delete it under that id.
      await run(bin, ['schedule', 'delete'], { SNAPSEAL_SCHEDULE_ID: `${env.SNAPSEAL_SCHEDULE_ID}-drill` });
    }
  });

  it('lists every invalid setting with exit code 3', async () => {
    const { code, stderr } = await run(bin, ['list'], {
      TEMPORAL_ADDRESS: 'nowhere',
      SNAPSEAL_MAX_VOLUME_MIB: '0',
    });
    expect(code).toBe(3);
    expect(stderr).toContain('TEMPORAL_ADDRESS="nowhere": expected host:port');
    expect(stderr).toContain('SNAPSEAL_MAX_VOLUME_MIB="0": must be greater than 0');
  });

  it('stops a worker whose key file is missing, naming the setting and the file', async () => {
    const missing = join(dir, 'nope.asc');
    const { code, stderr } = await run(worker, [], {
      SNAPSEAL_RECIPIENT_KEY_FILES: missing,
      SNAPSEAL_SIGNING_KEY_FILE: keys.archiverPrivate,
    });
    expect(code).toBe(3);
    expect(stderr).toContain(`SNAPSEAL_RECIPIENT_KEY_FILES: cannot read key file ${missing} (no such file)`);
  });

  it('stops a worker given a public key where the signing key belongs, and never prints key material', async () => {
    const { code, stderr } = await run(worker, [], {
      SNAPSEAL_RECIPIENT_KEY_FILES: keys.recipientPublic,
      SNAPSEAL_SIGNING_KEY_FILE: keys.archiverPublic,
    });
    expect(code).toBe(3);
    expect(stderr).toContain('signing key is a public key');
    const keyBody = (await readFile(keys.archiverPublic, 'utf8'))
      .split('\n')
      .filter((l) => /^[A-Za-z0-9+/]{40,}$/.test(l));
    expect(keyBody.length).toBeGreaterThan(0);
    for (const line of keyBody) expect(stderr).not.toContain(line);
  });

  it('stops a worker given a private key as a recipient', async () => {
    const { code, stderr } = await run(worker, [], {
      SNAPSEAL_RECIPIENT_KEY_FILES: keys.recipientPrivate,
      SNAPSEAL_SIGNING_KEY_FILE: keys.archiverPrivate,
    });
    expect(code).toBe(3);
    expect(stderr).toContain("is a private key: give the recipient's public key");
  });

  it('runs a worker that drains and exits cleanly on SIGTERM', async () => {
    const child = spawn('node', [worker], {
      env: {
        ...process.env,
        SNAPSEAL_TASK_QUEUE: uniqueName('sigterm'),
        SNAPSEAL_RECIPIENT_KEY_FILES: keys.recipientPublic,
        SNAPSEAL_SIGNING_KEY_FILE: keys.archiverPrivate,
      },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', () => stderr.includes('polling task queue') && resolve());
      child.once('exit', () => reject(new Error(`worker exited early: ${stderr}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).not.toContain('BEGIN PGP');
  });

  it('reports a missing settings file', async () => {
    const { code, stderr } = await run(bin, ['--settings-file', join(dir, 'absent.env'), 'list']);
    expect(code).toBe(3);
    expect(stderr).toContain(`Cannot read the settings file ${join(dir, 'absent.env')}: ENOENT`);
  });

  it.each([
    [
      ['verify', '../../etc/passwd'],
      'Invalid archive id "../../etc/passwd": expected <YYYY-MM-DD>_<indices>',
    ],
    [['restore', 'x/../y'], 'Invalid archive id "x/../y"'],
    [
      ['restore', '2026-11-21_logs', '--rename-prefix', 'Bad$1'],
      'Invalid rename prefix "Bad$1" (--rename-prefix): expected the start of an index name',
    ],
  ])(
    'refuses bad restore and verify input %j with exit code 2, before reaching Temporal',
    async (args, message) => {
      // An unreachable Temporal proves the check comes first.
      const { code, stderr } = await run(bin, args, { TEMPORAL_ADDRESS: '127.0.0.1:1' });
      expect(stderr).toContain(message);
      expect(code).toBe(2);
    },
  );

  it.each([
    [
      { SNAPSEAL_ARCHIVE_PREFIX: 'archives/../staging/' },
      'SNAPSEAL_ARCHIVE_PREFIX="archives/../staging/": must not contain "." or ".." segments',
    ],
    [
      { SNAPSEAL_STAGING_PREFIX: '', SNAPSEAL_ARCHIVE_PREFIX: 'archives/', sameBucket: 'yes' },
      'and the prefixes overlap (staging "", archive "archives/")',
    ],
  ])(
    'stops `setup` and the worker on key prefixes that escape or overlap (%j), before any bucket exists',
    async (settings, message) => {
      const { sameBucket, ...env } = settings as Record<string, string>;
      const archive = uniqueName('cli-prefix');
      const staging = sameBucket ? archive : `${archive}-staging`;
      const buckets = { SNAPSEAL_ARCHIVE_BUCKET: archive, SNAPSEAL_STAGING_BUCKET: staging, ...env };
      for (const [file, args] of [
        [bin, ['setup']],
        [worker, []],
      ] as const) {
        const { code, stderr } = await run(file, [...args], {
          ...buckets,
          SNAPSEAL_RECIPIENT_KEY_FILES: keys.recipientPublic,
          SNAPSEAL_SIGNING_KEY_FILE: keys.archiverPrivate,
        });
        expect(code).toBe(3);
        expect(stderr).toContain(message);
        expect(stderr).not.toMatch(/\n\s+at /);
      }
      // Nothing was created: the settings were refused before any S3 call.
      for (const bucket of new Set([archive, staging])) {
        await expect(s3().send(new HeadBucketCommand({ Bucket: bucket }))).rejects.toMatchObject({
          $metadata: { httpStatusCode: 404 },
        });
      }
    },
  );

  it('never echoes credentials written into SNAPSEAL_OPENSEARCH_URL', async () => {
    const { code, stderr } = await run(bin, ['list'], {
      SNAPSEAL_OPENSEARCH_URL: 'http://admin:hunter2-secret@ not a host',
    });
    expect(code).toBe(3);
    expect(stderr).toContain('SNAPSEAL_OPENSEARCH_URL="http://***@ not a host"');
    expect(stderr).not.toContain('hunter2');
  });

  it('stops at a misspelt setting, in the environment or the settings file, naming the closest one, before any bucket exists', async () => {
    const bucket = uniqueName('cli-typo');
    const typo = await run(bin, ['setup'], {
      SNAPSEAL_ARCHIVE_BUKET: bucket,
      SNAPSEAL_ARCHIVE_BUCKET: `${bucket}-meant`,
      SNAPSEAL_STAGING_BUCKET: `${bucket}-staging`,
    });
    expect(typo.code).toBe(3);
    expect(typo.stderr).toContain(
      'SNAPSEAL_ARCHIVE_BUKET is not a snapseal setting: did you mean SNAPSEAL_ARCHIVE_BUCKET?',
    );
    for (const name of [`${bucket}-meant`, `${bucket}-staging`]) {
      await expect(s3().send(new HeadBucketCommand({ Bucket: name }))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 404 },
      });
    }
    const file = join(dir, 'typo.env');
    await writeFile(file, 'SNAPSEAL_SCHEDULE_TIMEZON=Europe/Berlin\n');
    const fromFile = await run(bin, ['--json', '--settings-file', file, 'schedule', 'describe']);
    expect(fromFile.code).toBe(3);
    // --json: the error is one JSON value on stdout.
    expect(JSON.parse(fromFile.stdout)).toEqual({
      ok: false,
      error: {
        name: 'ConfigError',
        exitCode: 3,
        message: expect.stringContaining(
          'SNAPSEAL_SCHEDULE_TIMEZON is not a snapseal setting: did you mean SNAPSEAL_SCHEDULE_TIMEZONE?',
        ),
      },
    });
  });

  it('refuses to archive a day that has not ended (plus the settle time) with exit code 2, saying when it can run', async () => {
    const queue = uniqueName('cli-today');
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    for (const date of [today, tomorrow]) {
      const { code, stderr } = await run(bin, ['archive', '--date', date], { SNAPSEAL_TASK_QUEUE: queue });
      expect(code).toBe(2);
      expect(stderr).toContain(`The day ${date} has not ended in UTC (SNAPSEAL_SCHEDULE_TIMEZONE)`);
      expect(stderr).toMatch(/It can be archived from \d{4}-\d{2}-\d{2}T01:00:00\.000Z\./);
    }
    // Yesterday has ended, yet not the settle time after it when that is long enough.
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const settling = await run(bin, ['archive', '--date', yesterday, '--no-wait'], {
      SNAPSEAL_TASK_QUEUE: queue,
      SNAPSEAL_DAY_SETTLE_MINUTES: '2880',
    });
    expect(settling.code).toBe(2);
    expect(settling.stderr).toContain('plus 2880 minutes to settle (SNAPSEAL_DAY_SETTLE_MINUTES)');
    // Nothing was started: there is no run to cancel.
    const cancel = await run(bin, ['--json', 'cancel', '--date', today], { SNAPSEAL_TASK_QUEUE: queue });
    expect(cancel.code).toBe(1);
    expect(JSON.parse(cancel.stdout)).toMatchObject({
      ok: false,
      error: { name: 'NothingToCancelError', message: expect.stringContaining('No run') },
    });
  });

  it('names the S3 request, bucket and setting of an S3 error; exit code 3 for configuration, 1 for an outage', async () => {
    const bucket = uniqueName('cli-nobucket');
    const missing = await run(bin, ['list'], {
      SNAPSEAL_ARCHIVE_BUCKET: bucket,
      TEMPORAL_ADDRESS: '127.0.0.1:1',
    });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain(
      `S3 ListObjectsV2 s3://${bucket}/ (bucket of SNAPSEAL_ARCHIVE_BUCKET) failed: the bucket does not exist`,
    );
    const badSecret = await run(bin, ['list'], {
      SNAPSEAL_S3_SECRET_ACCESS_KEY: 'not-the-secret',
      TEMPORAL_ADDRESS: '127.0.0.1:1',
    });
    expect(badSecret.code).toBe(3);
    expect(badSecret.stderr).toContain(
      'SignatureDoesNotMatch: check SNAPSEAL_S3_ACCESS_KEY_ID and SNAPSEAL_S3_SECRET_ACCESS_KEY',
    );
    expect(badSecret.stderr).toContain('(bucket of SNAPSEAL_ARCHIVE_BUCKET)');
    const refused = await run(bin, ['list'], {
      SNAPSEAL_S3_ENDPOINT: 'http://127.0.0.1:9099',
      TEMPORAL_ADDRESS: '127.0.0.1:1',
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is SNAPSEAL_S3_ENDPOINT reachable?');
    expect(refused.stderr).toContain('S3 ListObjectsV2 s3://');
    const noCredentials = await run(bin, ['list'], {
      SNAPSEAL_S3_ACCESS_KEY_ID: '',
      SNAPSEAL_S3_SECRET_ACCESS_KEY: '',
      AWS_EC2_METADATA_DISABLED: 'true',
      TEMPORAL_ADDRESS: '127.0.0.1:1',
    });
    expect(noCredentials.code).toBe(3);
    expect(noCredentials.stderr).toContain(
      'no S3 credentials found: set SNAPSEAL_S3_ACCESS_KEY_ID and SNAPSEAL_S3_SECRET_ACCESS_KEY',
    );
    // MinIO without a remote tier refuses the lifecycle transition: the setting that turns it off is named.
    const tierless = uniqueName('cli-tier');
    try {
      const setup = await run(bin, ['setup'], {
        SNAPSEAL_ARCHIVE_BUCKET: tierless,
        SNAPSEAL_STAGING_BUCKET: `${tierless}-staging`,
        SNAPSEAL_LIFECYCLE_TRANSITIONS: 'true',
      });
      expect(setup.code).toBe(3);
      expect(setup.stderr).toContain(
        `S3 PutBucketLifecycleConfiguration s3://${tierless}/ (bucket of SNAPSEAL_ARCHIVE_BUCKET) failed: InvalidStorageClass`,
      );
      expect(setup.stderr).toContain('set SNAPSEAL_LIFECYCLE_TRANSITIONS=false');
    } finally {
      for (const bucket of [tierless, `${tierless}-staging`])
        await removeBucket(s3(), bucket).catch((err: { name?: string }) => {
          if (err.name !== 'NoSuchBucket') throw err;
        });
    }
    for (const ran of [missing, badSecret, refused, noCredentials])
      expect(ran.stderr).not.toMatch(/\n\s+at /);
  });

  it('shows the Schedule as text unless --json, and says what pause and delete did', async () => {
    const env = { SNAPSEAL_SCHEDULE_ID: uniqueName('cli-human') };
    const created = await run(bin, ['schedule', 'create', '--cron', '30 1 * * *'], env);
    try {
      expect(created.code).toBe(0);
      const paused = await run(bin, ['schedule', 'pause'], env);
      expect(paused.stdout).toBe(
        `paused ${env.SNAPSEAL_SCHEDULE_ID}: no daily archive runs until 'snapseal schedule unpause'\n`,
      );
      const described = await run(bin, ['schedule', 'describe'], env);
      expect(described.code).toBe(0);
      expect(described.stdout).toMatch(
        new RegExp(`^schedule ${env.SNAPSEAL_SCHEDULE_ID} \\(PAUSED\\)\n  next runs: `),
      );
      expect(described.stdout).not.toContain('{');
      const json = await run(bin, ['--json', 'schedule', 'describe'], env);
      expect(JSON.parse(json.stdout)).toMatchObject({ scheduleId: env.SNAPSEAL_SCHEDULE_ID, paused: true });
    } finally {
      const deleted = await run(bin, ['schedule', 'delete'], env);
      expect(deleted.stdout).toBe(`deleted ${env.SNAPSEAL_SCHEDULE_ID} (the archives stay)\n`);
    }
    const gone = await run(bin, ['--json', 'schedule', 'describe'], env);
    expect(gone.code).toBe(2);
    expect(JSON.parse(gone.stdout)).toMatchObject({
      ok: false,
      error: { name: 'ScheduleInputError', exitCode: 2 },
    });
  });

  it('names the restore queue no worker polls while `verify --workflow` waits, and says Ctrl-C leaves the run going', async () => {
    const queue = uniqueName('cli-noverifier');
    const cli = spawn('node', [bin, 'verify', '2026-01-01_nothing-here', '--workflow'], {
      env: { ...process.env, SNAPSEAL_TASK_QUEUE: queue },
    });
    let stderr = '';
    cli.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => cli.once('exit', (code) => resolve(code)));
    const connection = await Connection.connect({ address: stackConfig().temporal.address });
    try {
      await new Promise<void>((resolve, reject) => {
        cli.stderr.on(
          'data',
          () => stderr.includes(`no worker polls task queue "${queue}-restore"`) && resolve(),
        );
        void exited.then(() => reject(new Error(`verify exited early: ${stderr}`)));
      });
      expect(stderr).toContain('role restore: start a worker with SNAPSEAL_WORKER_ROLES including restore');
      cli.kill('SIGINT');
      expect(await exited).toBe(130);
      const workflowId = /stopped waiting; the run (\S+) continues on the workers\./.exec(stderr)?.[1];
      expect(workflowId).toMatch(new RegExp(`^${queue}/verify/2026-01-01_nothing-here/`));
      expect(stderr).toContain(`stop it:  snapseal cancel ${workflowId}`);
      await new Client({ connection }).workflow.getHandle(workflowId!).terminate('test done');
    } finally {
      if (cli.exitCode === null) cli.kill('SIGKILL');
      await connection.close();
    }
  });
});
