import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { join } from 'node:path';
import { ConfigError, loadConfig, SETTINGS, withEnvFile } from '../../src/config';

describe('configuration', () => {
  it('loads defaults', () => {
    const config = loadConfig({});
    expect(config.temporal.address).toBe('127.0.0.1:7233');
    expect(config.archive.maxVolumeBytes).toBe(1024 * 1024 * 1024);
    expect(config.archive.partSizeBytes).toBe(16 * 1024 * 1024);
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

  it('refuses a time-stamp authority without the CA bundle its tokens are checked against', () => {
    expect(() => loadConfig({ SNAPSEAL_TSA_URL: 'http://127.0.0.1:3180/tsa' })).toThrow(
      /SNAPSEAL_TSA_URL is set but SNAPSEAL_TSA_CA_FILE is empty/,
    );
    expect(
      loadConfig({ SNAPSEAL_TSA_URL: 'http://127.0.0.1:3180/tsa', SNAPSEAL_TSA_CA_FILE: '/ca.pem' }).evidence,
    ).toEqual({ tsaUrl: 'http://127.0.0.1:3180/tsa', tsaCaFile: '/ca.pem', toleranceSeconds: 86400 });
    expect(loadConfig({}).evidence.tsaUrl).toBeUndefined();
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

  it('is documented: the README lists every setting', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    for (const name of Object.keys(SETTINGS)) expect(readme).toMatch(new RegExp(`\\|\\s*\`${name}\`\\s*\\|`));
  });
});
