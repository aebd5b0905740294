// Explains a failed connection to Temporal over TLS. The SDK clients say only "Failed to connect before the
// deadline" (grpc-js) or a transport error (the worker's native client), so after a failure one TLS handshake
// with the same settings, plus an HTTP/2 preface, finds which side refused and which setting to change.
import { isIP } from 'node:net';
import { connect, type ConnectionOptions } from 'node:tls';
import type { TLSConfig } from '@temporalio/client';
import { ConfigError, type TemporalConfig } from './config';

/** TLS to the Temporal frontend failed for a reason a setting explains (exit code 3, like any setting). */
export class TemporalTlsError extends ConfigError {
  override name = 'TemporalTlsError';
}

/** What the handshake showed: the error code of node:tls, or that the server closed or never answered. */
export type TlsProbeOutcome =
  | { ok: true }
  | { ok: false; code: string; detail: string }
  | { ok: false; code: 'CLOSED' | 'TIMEOUT'; detail: string };

const SERVER_NOT_TRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);
const SERVER_CERT_OUT_OF_DATE = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
/** Alerts a server sends when it refuses the client's certificate. */
const CLIENT_CERT_REFUSED = new Set([
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED',
  'ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE',
  'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED',
  'ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR',
]);
const CLIENT_CERT_REQUIRED = new Set([
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
  'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
]);
const NOT_TLS = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG']);

const setting = (name: string, value: string | undefined): string =>
  value ? `${name}=${JSON.stringify(value)}` : `${name} (not set)`;

/**
 * The sentence naming the setting to change for a handshake outcome, or undefined when the outcome does not
 * point at TLS (the handshake worked, or the server could not be reached at all).
 */
export function explainTlsOutcome(temporal: TemporalConfig, outcome: TlsProbeOutcome): string | undefined {
  if (outcome.ok) return undefined;
  const tls: Partial<NonNullable<TemporalConfig['tls']>> = temporal.tls ?? {};
  const at = `Temporal at ${temporal.address} (TEMPORAL_ADDRESS)`;
  const name = tls.serverName ?? temporal.address.replace(/:\d+$/, '');
  const { code, detail } = outcome;
  if (SERVER_NOT_TRUSTED.has(code)) {
    return tls.caFile
      ? `${at}: its TLS certificate is not signed by the CA in ${setting('SNAPSEAL_TEMPORAL_TLS_CA_FILE', tls.caFile)} (${detail}). Set SNAPSEAL_TEMPORAL_TLS_CA_FILE to the PEM file of the CA that signed the server's certificate.`
      : `${at}: its TLS certificate is not trusted by the system CAs (${detail}). Set SNAPSEAL_TEMPORAL_TLS_CA_FILE to the PEM file of the CA that signed the server's certificate.`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `${at}: its TLS certificate is not issued for "${name}" (${detail}). Set SNAPSEAL_TEMPORAL_TLS_SERVER_NAME to a name the certificate is issued for (now ${setting('SNAPSEAL_TEMPORAL_TLS_SERVER_NAME', tls.serverName)}).`;
  }
  if (SERVER_CERT_OUT_OF_DATE.has(code)) {
    return `${at}: its TLS certificate is out of date (${detail}); the server's certificate must be renewed.`;
  }
  if (CLIENT_CERT_REQUIRED.has(code) || (code === 'CLOSED' && !tls.certFile)) {
    return tls.certFile
      ? `${at} refused the TLS handshake with the client certificate in ${setting('SNAPSEAL_TEMPORAL_TLS_CERT_FILE', tls.certFile)} (${detail}). Use a client certificate the server accepts.`
      : `${at} requires a client certificate (mTLS) and none is set (${detail}). Set SNAPSEAL_TEMPORAL_TLS_CERT_FILE and SNAPSEAL_TEMPORAL_TLS_KEY_FILE to the client certificate and its key (PEM).`;
  }
  if (CLIENT_CERT_REFUSED.has(code) || code === 'CLOSED') {
    return `${at} refused the client certificate in ${setting('SNAPSEAL_TEMPORAL_TLS_CERT_FILE', tls.certFile)} (${detail}). Use a client certificate signed by a CA the server trusts.`;
  }
  if (NOT_TLS.has(code)) {
    return `${at} does not answer TLS (${detail}). If the server listens without TLS, set SNAPSEAL_TEMPORAL_TLS=false and leave the SNAPSEAL_TEMPORAL_TLS_* files empty; otherwise check the port.`;
  }
  return undefined;
}

// A client preface and an empty SETTINGS frame: an HTTP/2 server answers with its own SETTINGS.
const H2_PREFACE = Buffer.concat([
  Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
  Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]),
]);

function probeOptions(address: string, tls: TLSConfig): ConnectionOptions {
  const host = address.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  const servername = tls.serverNameOverride ?? (isIP(host) ? undefined : host);
  return {
    host,
    port: Number(/:(\d+)$/.exec(address)?.[1]),
    ALPNProtocols: ['h2'],
    ...(servername ? { servername } : {}),
    ...(tls.serverRootCACertificate ? { ca: Buffer.from(tls.serverRootCACertificate) } : {}),
    ...(tls.clientCertPair
      ? { cert: Buffer.from(tls.clientCertPair.crt), key: Buffer.from(tls.clientCertPair.key) }
      : {}),
  };
}

/**
 * One TLS handshake and an HTTP/2 preface with the client's settings. With TLS 1.3 a server refuses the client
 * certificate only after the client has finished its side of the handshake, so "ok" needs the server's first
 * bytes, not just the handshake.
 */
export function probeTls(address: string, tls: TLSConfig, timeoutMs = 5_000): Promise<TlsProbeOutcome> {
  return new Promise((resolve) => {
    let socket: ReturnType<typeof connect>;
    const done = (outcome: TlsProbeOutcome): void => {
      clearTimeout(timer);
      socket?.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(
      () => done({ ok: false, code: 'TIMEOUT', detail: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    try {
      socket = connect(probeOptions(address, tls), () => socket.write(H2_PREFACE));
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      done({ ok: false, code: e.code ?? 'ERROR', detail: e.message });
      return;
    }
    socket.once('data', () => done({ ok: true }));
    socket.once('error', (err: NodeJS.ErrnoException) =>
      done({ ok: false, code: err.code ?? 'ERROR', detail: err.message.trim() }),
    );
    socket.once('close', () =>
      done({ ok: false, code: 'CLOSED', detail: 'the server closed the connection after the handshake' }),
    );
  });
}

/** A TemporalTlsError when TLS is why connecting failed; undefined when TLS is off or not the reason. */
export async function temporalTlsFailure(
  temporal: TemporalConfig,
  tls: TLSConfig | undefined,
  cause: unknown,
): Promise<TemporalTlsError | undefined> {
  if (!tls) return undefined;
  const explained = explainTlsOutcome(temporal, await probeTls(temporal.address, tls));
  return explained ? new TemporalTlsError(explained, { cause }) : undefined;
}
