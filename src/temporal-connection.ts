// How the worker and the CLI reach the Temporal frontend: address, and TLS or mTLS from PEM files named in
// SNAPSEAL_TEMPORAL_TLS_* (read at connect time; a missing file is a clear configuration error).
import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import { ConfigError, type TemporalConfig } from './config';

export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig;
}

function readPem(path: string, setting: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError(
      `Invalid configuration:\n  ${setting}=${JSON.stringify(path)}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    );
  }
}

export function temporalConnectionOptions(temporal: TemporalConfig): TemporalConnectionOptions {
  const { tls } = temporal;
  if (!tls) return { address: temporal.address };
  return {
    address: temporal.address,
    tls: {
      ...(tls.serverName ? { serverNameOverride: tls.serverName } : {}),
      ...(tls.caFile
        ? { serverRootCACertificate: readPem(tls.caFile, 'SNAPSEAL_TEMPORAL_TLS_CA_FILE') }
        : {}),
      ...(tls.certFile && tls.keyFile
        ? {
            clientCertPair: {
              crt: readPem(tls.certFile, 'SNAPSEAL_TEMPORAL_TLS_CERT_FILE'),
              key: readPem(tls.keyFile, 'SNAPSEAL_TEMPORAL_TLS_KEY_FILE'),
            },
          }
        : {}),
    },
  };
}
