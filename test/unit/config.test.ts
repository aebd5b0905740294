import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { inspect } from 'node:util';
import { join } from 'node:path';
import { ConfigError, loadConfig, SETTINGS, withEnvFile, closestSetting } from '../../src/config';

describe('configuration', () => {
  it('loads defaults', () => {
    const config = loadConfig({});
    expect(config.temporal.address).toBe('127.0.0.1:7233');
    expect(config.archive.maxVolumeBytes).toBe(1024 * 1024 * 1024);
    expect(config.archive.partSizeBytes).toBe(5 * 1024 * 1024);
    expect(config.s3.credentials).toBeUndefined();
  });

  it('names every invalid setting, what is wrong and what was expected', () => {
    let error: unknown;
    try {
      loadConfig({
        TEMPORAL_ADDRESS: 'localhost',
        SNAPSEAL_MAX_VOLUME_MIB: 'big',
        SNAPSEAL_STAGING_BUCKET: 'Bad_Bucket',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('TEMPORAL_ADDRESS="localhost": expected host:port such as 127.0.0.1:7233');
    expect(message).toContain('SNAPSEAL_MAX_VOLUME_MIB="big": expected a whole number');
    expect(message).toContain('SNAPSEAL_STAGING_BUCKET="Bad_Bucket": expected an S3 bucket name');
  });

  it('lists every problem in one error: field problems and cross-field problems of several sections', () => {
    let message = '';
    try {
      loadConfig({
        TEMPORAL_ADDRESS: 'localhost',
        SNAPSEAL_TEMPORAL_TLS_CERT_FILE: '/etc/snapseal/client.pem',
        SNAPSEAL_S3_SECRET_ACCESS_KEY: 'top-secret-value',
        SNAPSEAL_MAX_VOLUME_MIB: '200000',
        SNAPSEAL_PART_SIZE_MIB: '16',
        SNAPSEAL_UPLOAD_QUEUE_SIZE: '0',
        SNAPSEAL_STAGING_BUCKET: 'one-bucket',
        SNAPSEAL_ARCHIVE_BUCKET: 'one-bucket',
        SNAPSEAL_ARCHIVE_PREFIX: '',
        SNAPSEAL_LOG_LEVEL: 'LOUD',
      });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    const lines = message.split('\n');
    expect(lines[0]).toBe('Invalid configuration:');
    expect(lines.slice(1).map((l) => l.trim())).toEqual([
      'TEMPORAL_ADDRESS="localhost": expected host:port such as 127.0.0.1:7233 (Temporal frontend host:port)',
      'SNAPSEAL_TEMPORAL_TLS_CERT_FILE and SNAPSEAL_TEMPORAL_TLS_KEY_FILE go together (mTLS): set both, or neither',
      'SNAPSEAL_S3_ACCESS_KEY_ID and SNAPSEAL_S3_SECRET_ACCESS_KEY go together: set both, or neither to use the AWS default credential chain',
      expect.stringMatching(
        /^SNAPSEAL_STAGING_BUCKET and SNAPSEAL_ARCHIVE_BUCKET are both "one-bucket" and the prefixes overlap/,
      ),
      'SNAPSEAL_UPLOAD_QUEUE_SIZE="0": must be greater than 0 (parts uploaded in parallel per volume)',
      'SNAPSEAL_MAX_VOLUME_MIB (200000 MiB) does not fit in 10000 parts of SNAPSEAL_PART_SIZE_MIB (16 MiB): raise the part size to at least 20 MiB or lower the volume size',
      expect.stringMatching(/^SNAPSEAL_LOG_LEVEL="LOUD": /),
    ]);
    expect(message).not.toContain('top-secret-value');
  });

  it("lists a cross-field problem beside a problem of one of its own section's other settings", () => {
    expect(() =>
      loadConfig({ SNAPSEAL_MAX_VOLUME_MIB: '200000', SNAPSEAL_VOLUME_CONCURRENCY: 'two' }),
    ).toThrow(
      /SNAPSEAL_VOLUME_CONCURRENCY="two": expected a whole number[^\n]*\n {2}SNAPSEAL_MAX_VOLUME_MIB \(200000 MiB\) does not fit/,
    );
    // A check whose own settings are invalid is not run: the setting's problem is the one to fix first.
    const message = (() => {
      try {
        loadConfig({ SNAPSEAL_MAX_VOLUME_MIB: 'big', SNAPSEAL_PART_SIZE_MIB: '16' });
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    })();
    expect(message).toContain('SNAPSEAL_MAX_VOLUME_MIB="big": expected a whole number');
    expect(message).not.toContain('does not fit');
  });

  it('refuses a time-stamp authority without the CA bundle its tokens are checked against', () => {
    expect(() => loadConfig({ SNAPSEAL_TSA_URL: 'http://127.0.0.1:3180/tsa' })).toThrow(
      /SNAPSEAL_TSA_URLS is set but SNAPSEAL_TSA_CA_FILE is empty/,
    );
    expect(
      loadConfig({ SNAPSEAL_TSA_URL: 'http://127.0.0.1:3180/tsa', SNAPSEAL_TSA_CA_FILE: '/ca.pem' }).evidence,
    ).toEqual({
      tsaUrls: ['http://127.0.0.1:3180/tsa'],
      tsaRequired: 1,
      tsaCaFile: '/ca.pem',
      toleranceSeconds: 86400,
    });
    expect(loadConfig({}).evidence).toMatchObject({ tsaUrls: [], tsaRequired: 0 });
  });

  it('reads several time-stamp authorities and resolves SNAPSEAL_TSA_POLICY against them', () => {
    const urls = 'http://tsa-a.example/tsa, http://tsa-b.example/tsa,http://tsa-c.example/tsa';
    const with_ = (policy?: string) =>
      loadConfig({
        SNAPSEAL_TSA_URLS: urls,
        SNAPSEAL_TSA_CA_FILE: '/ca.pem',
        ...(policy ? { SNAPSEAL_TSA_POLICY: policy } : {}),
      }).evidence;
    expect(with_().tsaUrls).toEqual([
      'http://tsa-a.example/tsa',
      'http://tsa-b.example/tsa',
      'http://tsa-c.example/tsa',
    ]);
    expect(with_().tsaRequired).toBe(3);
    expect(with_('all').tsaRequired).toBe(3);
    expect(with_('any').tsaRequired).toBe(1);
    expect(with_('2').tsaRequired).toBe(2);
    expect(() => with_('4')).toThrow(
      /SNAPSEAL_TSA_POLICY is 4 but SNAPSEAL_TSA_URLS names 3 authorities: expected all, any or a number up to 3/,
    );
    expect(() => with_('most')).toThrow(/SNAPSEAL_TSA_POLICY.*expected all, any or a number/);
    // The one-URL alias agrees with the list, or is refused by name.
    expect(
      loadConfig({
        SNAPSEAL_TSA_URL: 'http://tsa-a.example/tsa',
        SNAPSEAL_TSA_URLS: 'http://tsa-a.example/tsa',
        SNAPSEAL_TSA_CA_FILE: '/ca.pem',
      }).evidence.tsaUrls,
    ).toEqual(['http://tsa-a.example/tsa']);
    expect(() =>
      loadConfig({
        SNAPSEAL_TSA_URL: 'http://tsa-a.example/tsa',
        SNAPSEAL_TSA_URLS: urls,
        SNAPSEAL_TSA_CA_FILE: '/ca.pem',
      }),
    ).toThrow(
      /SNAPSEAL_TSA_URL \(http:\/\/tsa-a.example\/tsa\) and SNAPSEAL_TSA_URLS .* are both set and differ/,
    );
    expect(() =>
      loadConfig({
        SNAPSEAL_TSA_URLS: 'http://tsa-a.example/tsa,not a url',
        SNAPSEAL_TSA_CA_FILE: '/ca.pem',
      }),
    ).toThrow(/SNAPSEAL_TSA_URLS.*expected comma-separated URLs/);
    expect(() =>
      loadConfig({
        SNAPSEAL_TSA_URLS: 'http://tsa-a.example/tsa,http://tsa-a.example/tsa',
        SNAPSEAL_TSA_CA_FILE: '/ca.pem',
      }),
    ).toThrow(/names an authority twice/);
  });

  it('refuses a part size S3 would refuse, naming the minimum', () => {
    expect(() => loadConfig({ SNAPSEAL_PART_SIZE_MIB: '4' })).toThrow(/SNAPSEAL_PART_SIZE_MIB.*at least 5/);
    expect(loadConfig({ SNAPSEAL_PART_SIZE_MIB: '5' }).archive.partSizeBytes).toBe(5 * 1024 * 1024);
  });

  it('refuses a volume size that cannot fit in 10,000 parts, saying which part size would', () => {
    expect(() => loadConfig({ SNAPSEAL_MAX_VOLUME_MIB: '200000', SNAPSEAL_PART_SIZE_MIB: '16' })).toThrow(
      /SNAPSEAL_MAX_VOLUME_MIB \(200000 MiB\) does not fit in 10000 parts of SNAPSEAL_PART_SIZE_MIB \(16 MiB\): raise the part size to at least 20 MiB/,
    );
    expect(
      loadConfig({ SNAPSEAL_MAX_VOLUME_MIB: '200000', SNAPSEAL_PART_SIZE_MIB: '20' }).archive.partSizeBytes,
    ).toBe(20 * 1024 * 1024);
  });

  it('never shows a secret, in errors or when printed', () => {
    expect(() => loadConfig({ SNAPSEAL_S3_SECRET_ACCESS_KEY: 'top-secret-value' })).toThrow(/go together/);
    const config = loadConfig({
      SNAPSEAL_S3_ACCESS_KEY_ID: 'id',
      SNAPSEAL_S3_SECRET_ACCESS_KEY: 'top-secret-value',
    });
    expect(JSON.stringify(config)).not.toContain('top-secret-value');
    expect(inspect(config, { depth: 10 })).not.toContain('top-secret-value');
    expect(`${config.s3.credentials?.secretAccessKey}`).toBe('**redacted**');
    expect(config.s3.credentials?.secretAccessKey.reveal()).toBe('top-secret-value');
  });

  it('reads an env file, letting the environment win', () => {
    const file = join(__dirname, 'fixtures', 'sample.env');
    const env = withEnvFile(file, { SNAPSEAL_TASK_QUEUE: 'from-environment' });
    expect(env.TEMPORAL_ADDRESS).toBe('127.0.0.1:17233');
    expect(env.SNAPSEAL_TASK_QUEUE).toBe('from-environment');
    expect(() => withEnvFile('/nonexistent/snapseal.env')).toThrow(
      'Cannot read the settings file /nonexistent/snapseal.env: ENOENT',
    );
  });

  it('reads a settings file as Node reads dotenv files: comments, quotes, export lines', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'snapseal-settings-'));
    try {
      const file = join(dir, 'snapseal.env');
      await writeFile(
        file,
        [
          '# written by hand',
          'export TEMPORAL_ADDRESS=temporal.example:7233',
          'SNAPSEAL_INDEX_TEMPLATE="logs {YYYY}-{MM}-{DD}" # the daily indices',
          "SNAPSEAL_SCHEDULE_CRON='0 2 * * MON-FRI'",
          'SNAPSEAL_TASK_QUEUE = spaced   ',
          'SNAPSEAL_S3_REGION=eu-west-1 # trailing comment',
          '',
        ].join('\n'),
      );
      const env = withEnvFile(file, {});
      expect(env).toEqual({
        TEMPORAL_ADDRESS: 'temporal.example:7233',
        SNAPSEAL_INDEX_TEMPLATE: 'logs {YYYY}-{MM}-{DD}',
        SNAPSEAL_SCHEDULE_CRON: '0 2 * * MON-FRI',
        SNAPSEAL_TASK_QUEUE: 'spaced',
        SNAPSEAL_S3_REGION: 'eu-west-1',
      });
      const config = loadConfig(env);
      expect(config.temporal.address).toBe('temporal.example:7233');
      expect(config.archive.indexTemplate).toBe('logs {YYYY}-{MM}-{DD}');
      expect(config.schedule.cron).toBe('0 2 * * MON-FRI');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stops at a SNAPSEAL_* name that is no setting, naming the closest one, from the environment or a settings file', async () => {
    expect(() => loadConfig({ SNAPSEAL_ARCHIVE_BUKET: 'team-audit-archive' })).toThrow(
      'SNAPSEAL_ARCHIVE_BUKET is not a snapseal setting: did you mean SNAPSEAL_ARCHIVE_BUCKET?',
    );
    const dir = await mkdtemp(join(tmpdir(), 'snapseal-settings-'));
    try {
      const file = join(dir, 'snapseal.env');
      await writeFile(file, 'SNAPSEAL_SCHEDULE_TIMEZON=Europe/Berlin\n');
      expect(() => loadConfig(withEnvFile(file, {}))).toThrow(
        'SNAPSEAL_SCHEDULE_TIMEZON is not a snapseal setting: did you mean SNAPSEAL_SCHEDULE_TIMEZONE?',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // Listed with the other problems, in one error.
    let message = '';
    try {
      loadConfig({ SNAPSEAL_PART_SIZE_MIB: '1', SNAPSEAL_WORKER_ROLE: 'stream' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('did you mean SNAPSEAL_WORKER_ROLES?');
    expect(message).toContain('SNAPSEAL_PART_SIZE_MIB="1"');
    // The CLI's own variables and the development stack's are not settings, and not typos.
    expect(() =>
      loadConfig({
        SNAPSEAL_DEBUG: '1',
        SNAPSEAL_ENV_FILE: '/x',
        SNAPSEAL_STACK_ENV: '/y',
        SNAPSEAL_STACK_BIN: '/z',
      }),
    ).not.toThrow();
    expect(closestSetting('TEMPORAL_ADRESS')).toBe('TEMPORAL_ADDRESS');
  });

  it('is documented: the README lists every setting', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    for (const name of Object.keys(SETTINGS)) expect(readme).toMatch(new RegExp(`\\|\\s*\`${name}\`\\s*\\|`));
  });
});
