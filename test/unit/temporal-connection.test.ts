// The TLS settings turned into the SDK's connection options: files read and checked as certificates and keys
// before any connection, each problem named by its setting.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig, type TemporalConfig } from '../../src/config';
import { temporalConnectionOptions } from '../../src/temporal-connection';
import { createTestCertificates, type TestCertificates } from '../integration/test-certificates';

describe('temporalConnectionOptions', () => {
  let certs: TestCertificates;
  beforeAll(async () => {
    certs = await createTestCertificates();
  });
  afterAll(() => certs.remove());

  const temporal = (settings: Record<string, string>): TemporalConfig =>
    loadConfig({ TEMPORAL_ADDRESS: '127.0.0.1:7233', ...settings }).temporal;
  const mtls = (overrides: Record<string, string> = {}): TemporalConfig =>
    temporal({
      SNAPSEAL_TEMPORAL_TLS_CA_FILE: certs.caCert,
      SNAPSEAL_TEMPORAL_TLS_CERT_FILE: certs.clientCert,
      SNAPSEAL_TEMPORAL_TLS_KEY_FILE: certs.clientKey,
      ...overrides,
    });
  const problem = (config: TemporalConfig, now?: number): string => {
    try {
      temporalConnectionOptions(config, now);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error('expected a ConfigError');
  };

  it('connects without TLS when no TLS setting is set', () => {
    expect(temporalConnectionOptions(temporal({}))).toEqual({ address: '127.0.0.1:7233' });
  });

  it('turns on TLS with the system CAs for SNAPSEAL_TEMPORAL_TLS=true alone', () => {
    expect(temporalConnectionOptions(temporal({ SNAPSEAL_TEMPORAL_TLS: 'true' }))).toEqual({
      address: '127.0.0.1:7233',
      tls: {},
    });
  });

  it('passes the CA, the client pair and the server name, byte for byte', () => {
    const options = temporalConnectionOptions(
      mtls({ SNAPSEAL_TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' }),
    );
    expect(options.tls?.serverNameOverride).toBe('temporal.internal');
    expect(Buffer.from(options.tls!.serverRootCACertificate!)).toEqual(readFileSync(certs.caCert));
    expect(Buffer.from(options.tls!.clientCertPair!.crt)).toEqual(readFileSync(certs.clientCert));
    expect(Buffer.from(options.tls!.clientCertPair!.key)).toEqual(readFileSync(certs.clientKey));
  });

  it('names the setting of a file it cannot read', () => {
    const missing = join(certs.dir, 'nowhere.pem');
    expect(problem(mtls({ SNAPSEAL_TEMPORAL_TLS_KEY_FILE: missing }))).toBe(
      `Invalid configuration:\n  SNAPSEAL_TEMPORAL_TLS_KEY_FILE=${JSON.stringify(missing)}: cannot read it (ENOENT)`,
    );
  });

  it('refuses a CA or client certificate file without a certificate in it, or with a broken one', () => {
    const notPem = join(certs.dir, 'server.ext');
    expect(problem(mtls({ SNAPSEAL_TEMPORAL_TLS_CA_FILE: notPem }))).toContain(
      `SNAPSEAL_TEMPORAL_TLS_CA_FILE=${JSON.stringify(notPem)}: not a PEM certificate (no BEGIN CERTIFICATE block)`,
    );
    const broken = join(certs.dir, 'broken.pem');
    const pem = readFileSync(certs.clientCert, 'utf8');
    writeFileSync(broken, pem.replace(/\n[A-Za-z0-9+/]{20}/, '\nAAAAAAAAAAAAAAAAAAAA'));
    expect(problem(mtls({ SNAPSEAL_TEMPORAL_TLS_CERT_FILE: broken }))).toContain(
      `SNAPSEAL_TEMPORAL_TLS_CERT_FILE=${JSON.stringify(broken)}: not a valid PEM certificate (`,
    );
  });

  it('refuses a key file that is not a key, or the key of another certificate', () => {
    expect(problem(mtls({ SNAPSEAL_TEMPORAL_TLS_KEY_FILE: certs.clientCert }))).toContain(
      `SNAPSEAL_TEMPORAL_TLS_KEY_FILE=${JSON.stringify(certs.clientCert)}: not a PEM private key (`,
    );
    expect(problem(mtls({ SNAPSEAL_TEMPORAL_TLS_KEY_FILE: certs.strangerKey }))).toBe(
      `Invalid configuration:\n  SNAPSEAL_TEMPORAL_TLS_KEY_FILE=${JSON.stringify(certs.strangerKey)}: not the private key of the certificate in SNAPSEAL_TEMPORAL_TLS_CERT_FILE=${JSON.stringify(certs.clientCert)}`,
    );
  });

  it('refuses an expired client certificate, with its end date', () => {
    const threeDaysOn = Date.now() + 3 * 24 * 3600 * 1000; // the test certificates are valid for 2 days
    expect(problem(mtls(), threeDaysOn)).toMatch(
      /SNAPSEAL_TEMPORAL_TLS_CERT_FILE="[^"]+": the certificate expired on \w{3} +\d+ [\d:]+ \d{4} GMT$/,
    );
    expect(() => temporalConnectionOptions(mtls())).not.toThrow();
  });
});
