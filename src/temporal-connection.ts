// How the worker and the CLI reach the Temporal frontend: address, and TLS or mTLS from PEM files named in
// SNAPSEAL_TEMPORAL_TLS_* (read and checked before connecting: a missing, unreadable or non-PEM file, an expired
// client certificate or a key that is not the certificate's is a clear configuration error naming the setting).
import { readFileSync } from 'node:fs';
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import type { TLSConfig } from '@temporalio/client';
import { ConfigError, type TemporalConfig } from './config';

export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig;
}

const invalid = (setting: string, path: string, problem: string): ConfigError =>
  new ConfigError(`Invalid configuration:\n  ${setting}=${JSON.stringify(path)}: ${problem}`);

function readPem(path: string, setting: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw invalid(setting, path, `cannot read it (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM file, parsed now, so a bad file fails here and not as a vague connection error. */
function certificates(pem: Buffer, setting: string, path: string): [X509Certificate, ...X509Certificate[]] {
  const [first, ...rest] = pem.toString('utf8').match(PEM_CERTIFICATE) ?? [];
  if (first === undefined) throw invalid(setting, path, 'not a PEM certificate (no BEGIN CERTIFICATE block)');
  try {
    return [new X509Certificate(first), ...rest.map((block) => new X509Certificate(block))];
  } catch (err) {
    throw invalid(setting, path, `not a valid PEM certificate (${(err as Error).message})`);
  }
}

function checkClientPair(crt: Buffer, key: Buffer, certFile: string, keyFile: string, now: number): void {
  const [leaf] = certificates(crt, 'SNAPSEAL_TEMPORAL_TLS_CERT_FILE', certFile);
  if (Date.parse(leaf.validTo) < now) {
    throw invalid('SNAPSEAL_TEMPORAL_TLS_CERT_FILE', certFile, `the certificate expired on ${leaf.validTo}`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch (err) {
    throw invalid(
      'SNAPSEAL_TEMPORAL_TLS_KEY_FILE',
      keyFile,
      `not a PEM private key (${(err as Error).message})`,
    );
  }
  if (!leaf.checkPrivateKey(privateKey)) {
    throw invalid(
      'SNAPSEAL_TEMPORAL_TLS_KEY_FILE',
      keyFile,
      `not the private key of the certificate in SNAPSEAL_TEMPORAL_TLS_CERT_FILE=${JSON.stringify(certFile)}`,
    );
  }
}

/** `now` (ms): the time the client certificate must still be valid at. */
export function temporalConnectionOptions(
  temporal: TemporalConfig,
  now = Date.now(),
): TemporalConnectionOptions {
  const { tls } = temporal;
  if (!tls) return { address: temporal.address };
  const settings: TLSConfig = tls.serverName ? { serverNameOverride: tls.serverName } : {};
  if (tls.caFile) {
    const ca = readPem(tls.caFile, 'SNAPSEAL_TEMPORAL_TLS_CA_FILE');
    certificates(ca, 'SNAPSEAL_TEMPORAL_TLS_CA_FILE', tls.caFile);
    settings.serverRootCACertificate = ca;
  }
  if (tls.certFile && tls.keyFile) {
    const crt = readPem(tls.certFile, 'SNAPSEAL_TEMPORAL_TLS_CERT_FILE');
    const key = readPem(tls.keyFile, 'SNAPSEAL_TEMPORAL_TLS_KEY_FILE');
    checkClientPair(crt, key, tls.certFile, tls.keyFile, now);
    settings.clientCertPair = { crt, key };
  }
  return { address: temporal.address, tls: settings };
}
