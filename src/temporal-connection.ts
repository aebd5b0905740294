// How the worker and the CLI reach the Temporal frontend: address, and TLS or mTLS from PEM files named in
// SNAPSEAL_TEMPORAL_TLS_* (read and checked before connecting: a missing, unreadable or non-PEM file, or a key
// that is not the certificate's, is a clear configuration error naming the setting).
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
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

/** Let OpenSSL parse the PEM now, so a bad file fails here and not as a vague connection error later. */
function checkPem(options: SecureContextOptions, setting: string, path: string, expected: string): void {
  try {
    createSecureContext(options);
  } catch (err) {
    throw invalid(setting, path, `${expected} (${(err as Error).message})`);
  }
}

export function temporalConnectionOptions(temporal: TemporalConfig): TemporalConnectionOptions {
  const { tls } = temporal;
  if (!tls) return { address: temporal.address };
  const settings: TLSConfig = tls.serverName ? { serverNameOverride: tls.serverName } : {};
  if (tls.caFile) {
    const ca = readPem(tls.caFile, 'SNAPSEAL_TEMPORAL_TLS_CA_FILE');
    checkPem({ ca }, 'SNAPSEAL_TEMPORAL_TLS_CA_FILE', tls.caFile, 'not a PEM CA certificate');
    settings.serverRootCACertificate = ca;
  }
  if (tls.certFile && tls.keyFile) {
    const crt = readPem(tls.certFile, 'SNAPSEAL_TEMPORAL_TLS_CERT_FILE');
    const key = readPem(tls.keyFile, 'SNAPSEAL_TEMPORAL_TLS_KEY_FILE');
    checkPem({ cert: crt }, 'SNAPSEAL_TEMPORAL_TLS_CERT_FILE', tls.certFile, 'not a PEM certificate');
    checkPem(
      { cert: crt, key },
      'SNAPSEAL_TEMPORAL_TLS_KEY_FILE',
      tls.keyFile,
      `not the PEM private key of SNAPSEAL_TEMPORAL_TLS_CERT_FILE=${JSON.stringify(tls.certFile)}`,
    );
    settings.clientCertPair = { crt, key };
  }
  return { address: temporal.address, tls: settings };
}
