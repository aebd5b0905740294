// Secrets given by file, credentials in the OpenSearch URL, Temporal TLS options, worker roles and pins.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ConfigError, loadConfig } from '../../src/config';
import { temporalConnectionOptions } from '../../src/temporal-connection';
import { createTestCertificates } from '../integration/test-certificates';

describe('secret settings', () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'snapseal-secrets-'))));
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('reads the S3 secret and both passphrases from files, without their trailing newline', async () => {
    for (const [name, value] of [
      ['s3', 's3-secret-from-file'],
      ['sign', 'sign phrase'],
      ['decrypt', 'decrypt phrase'],
    ] as const)
      await writeFile(join(dir, name), `${value}\n`);
    const config = loadConfig({
      SNAPSEAL_S3_ACCESS_KEY_ID: 'id',
      SNAPSEAL_S3_SECRET_ACCESS_KEY_FILE: join(dir, 's3'),
      SNAPSEAL_SIGNING_KEY_PASSPHRASE_FILE: join(dir, 'sign'),
      SNAPSEAL_DECRYPTION_KEY_PASSPHRASE_FILE: join(dir, 'decrypt'),
    });
    expect(config.s3.credentials?.secretAccessKey.reveal()).toBe('s3-secret-from-file');
    expect(config.keys.signingKeyPassphrase?.reveal()).toBe('sign phrase');
    expect(config.keys.decryptionKeyPassphrase?.reveal()).toBe('decrypt phrase');
    expect(inspect(config)).not.toContain('s3-secret-from-file');
  });

  it('refuses a secret given twice or an unreadable secret file, naming the setting and not the content', () => {
    expect(() =>
      loadConfig({
        SNAPSEAL_SIGNING_KEY_PASSPHRASE: 'x',
        SNAPSEAL_SIGNING_KEY_PASSPHRASE_FILE: join(dir, 'sign'),
      }),
    ).toThrow(
      'SNAPSEAL_SIGNING_KEY_PASSPHRASE and SNAPSEAL_SIGNING_KEY_PASSPHRASE_FILE are both set: set one of them',
    );
    expect(() => loadConfig({ SNAPSEAL_S3_SECRET_ACCESS_KEY_FILE: join(dir, 'missing') })).toThrow(
      `SNAPSEAL_S3_SECRET_ACCESS_KEY_FILE="${join(dir, 'missing')}": cannot read it (ENOENT)`,
    );
  });

  it('moves credentials out of SNAPSEAL_OPENSEARCH_URL and never echoes them', () => {
    const config = loadConfig({ SNAPSEAL_OPENSEARCH_URL: 'https://admin:s3cr%40t@search.example:9200' });
    expect(config.opensearch.url).toBe('https://search.example:9200');
    expect(config.opensearch.username).toBe('admin');
    expect(config.opensearch.password?.reveal()).toBe('s3cr@t');
    expect(inspect(config)).not.toContain('s3cr');
    let message = '';
    try {
      loadConfig({ SNAPSEAL_OPENSEARCH_URL: 'https://admin:hunter2@ bad host', TEMPORAL_ADDRESS: 'x' });
    } catch (err) {
      message = (err as ConfigError).message;
    }
    expect(message).toContain('SNAPSEAL_OPENSEARCH_URL="https://***@ bad host"');
    expect(message).not.toContain('hunter2');
  });

  it('builds Temporal TLS and mTLS connection options from PEM files', async () => {
    // Real PEM files: the connection options check what the files hold (test/unit/temporal-connection.test.ts).
    const certs = await createTestCertificates();
    expect(temporalConnectionOptions(loadConfig({}).temporal)).toEqual({ address: '127.0.0.1:7233' });
    expect(temporalConnectionOptions(loadConfig({ SNAPSEAL_TEMPORAL_TLS: 'true' }).temporal).tls).toEqual({});
    const mtls = temporalConnectionOptions(
      loadConfig({
        TEMPORAL_ADDRESS: 'temporal.example:7233',
        SNAPSEAL_TEMPORAL_TLS_CA_FILE: certs.caCert,
        SNAPSEAL_TEMPORAL_TLS_CERT_FILE: certs.clientCert,
        SNAPSEAL_TEMPORAL_TLS_KEY_FILE: certs.clientKey,
        SNAPSEAL_TEMPORAL_TLS_SERVER_NAME: 'frontend.internal',
      }).temporal,
    );
    expect(mtls.address).toBe('temporal.example:7233');
    expect(mtls.tls?.serverNameOverride).toBe('frontend.internal');
    expect(Buffer.from(mtls.tls!.serverRootCACertificate!)).toEqual(await readFile(certs.caCert));
    expect(Buffer.from(mtls.tls!.clientCertPair!.crt)).toEqual(await readFile(certs.clientCert));
    expect(Buffer.from(mtls.tls!.clientCertPair!.key)).toEqual(await readFile(certs.clientKey));
    await certs.remove();
    expect(() => loadConfig({ SNAPSEAL_TEMPORAL_TLS_CERT_FILE: certs.clientCert })).toThrow(
      'SNAPSEAL_TEMPORAL_TLS_CERT_FILE and SNAPSEAL_TEMPORAL_TLS_KEY_FILE go together',
    );
    expect(() =>
      temporalConnectionOptions(
        loadConfig({ SNAPSEAL_TEMPORAL_TLS_CA_FILE: join(dir, 'nope.pem') }).temporal,
      ),
    ).toThrow(`SNAPSEAL_TEMPORAL_TLS_CA_FILE="${join(dir, 'nope.pem')}": cannot read it (ENOENT)`);
  });

  it('validates worker roles, stream slots, the base queue and pinned fingerprints', () => {
    const config = loadConfig({
      SNAPSEAL_WORKER_ROLES: 'stream, archive,stream',
      SNAPSEAL_STREAM_SLOTS: '3',
      SNAPSEAL_TRUSTED_SIGNER_FINGERPRINTS: 'abcd ef01 2345 6789 abcd  ef01 2345 6789 abcd ef01',
    });
    expect(config.worker.roles).toEqual(['stream', 'archive']);
    expect(config.worker.streamSlots).toBe(3);
    expect(config.keys.trustedSignerFingerprints).toEqual(['ABCDEF0123456789ABCDEF0123456789ABCDEF01']);
    expect(loadConfig({}).worker.streamSlots).toBeGreaterThan(0);
    expect(() => loadConfig({ SNAPSEAL_WORKER_ROLES: 'archive,sign' })).toThrow(
      'SNAPSEAL_WORKER_ROLES="archive,sign": expected roles among archive, stream, seal, restore',
    );
    expect(() => loadConfig({ SNAPSEAL_TASK_QUEUE: 'prod-restore' })).toThrow(
      'must not end in -stream, -seal or -restore',
    );
    expect(() => loadConfig({ SNAPSEAL_TRUSTED_SIGNER_FINGERPRINTS: 'ABCD' })).toThrow(
      'expected 40-hex-digit OpenPGP v4 fingerprints',
    );
  });
});

describe('bucket and prefix settings', () => {
  it('refuses "." and ".." segments in prefixes', () => {
    expect(() => loadConfig({ SNAPSEAL_STAGING_PREFIX: '../archives/' })).toThrow(
      'SNAPSEAL_STAGING_PREFIX="../archives/": must not contain "." or ".." segments',
    );
    expect(() => loadConfig({ SNAPSEAL_ARCHIVE_PREFIX: 'a/./' })).toThrow(
      'must not contain "." or ".." segments',
    );
    expect(loadConfig({ SNAPSEAL_ARCHIVE_PREFIX: 'a..b/' }).archive.prefix).toBe('a..b/');
  });

  it('allows one bucket for staging and archives only with disjoint prefixes', () => {
    const same = { SNAPSEAL_STAGING_BUCKET: 'one-bucket', SNAPSEAL_ARCHIVE_BUCKET: 'one-bucket' };
    expect(loadConfig(same).staging.prefix).toBe('staging/');
    expect(() => loadConfig({ ...same, SNAPSEAL_ARCHIVE_PREFIX: '' })).toThrow(
      'SNAPSEAL_STAGING_BUCKET and SNAPSEAL_ARCHIVE_BUCKET are both "one-bucket" and the prefixes overlap (staging "staging/", archive "")',
    );
    expect(() => loadConfig({ ...same, SNAPSEAL_ARCHIVE_PREFIX: 'staging/archives/' })).toThrow(
      'the prefixes overlap',
    );
  });
});
