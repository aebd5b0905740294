// Why a TLS connection to Temporal failed, found by one real handshake against a local TLS server that
// requires client certificates (the test proxy, in front of a TCP server that answers every connection).
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { loadConfig, type TemporalConfig } from '../../src/config';
import { temporalConnectionOptions } from '../../src/temporal-connection';
import { explainTlsOutcome, probeTls, temporalTlsFailure } from '../../src/temporal-tls-probe';
import { createTestCertificates, type TestCertificates } from '../integration/test-certificates';
import { startTlsProxy, type TlsProxy } from '../integration/tls-proxy';

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
};
const closeServer = (server: Server): Promise<void> =>
  new Promise((resolve) => server.close(() => resolve()));

interface ReplyingServer {
  address: string;
  close(): Promise<void>;
}

/** A TCP server that sends `reply` to every connection; closing it drops the connections still open. */
async function startReplying(reply: string): Promise<ReplyingServer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.end(reply);
  });
  const address = await listen(server);
  return {
    address,
    close: () => {
      sockets.forEach((socket) => socket.destroy());
      return closeServer(server);
    },
  };
}

describe('temporalTlsFailure', () => {
  let certs: TestCertificates;
  let proxy: TlsProxy;
  let answering: ReplyingServer;
  let plain: ReplyingServer;

  beforeAll(async () => {
    certs = await createTestCertificates();
    answering = await startReplying('hello');
    plain = await startReplying('HTTP/1.1 400 Bad Request\r\n\r\n');
    proxy = await startTlsProxy({
      upstream: answering.address,
      certFile: certs.serverCert,
      keyFile: certs.serverKey,
      clientCaFile: certs.caCert,
    });
  });
  afterAll(async () => {
    await proxy.close();
    await answering.close();
    await plain.close();
    await certs.remove();
  });

  const temporal = (overrides: Record<string, string> = {}): TemporalConfig =>
    loadConfig({
      TEMPORAL_ADDRESS: proxy.address,
      SNAPSEAL_TEMPORAL_TLS_CA_FILE: certs.caCert,
      SNAPSEAL_TEMPORAL_TLS_CERT_FILE: certs.clientCert,
      SNAPSEAL_TEMPORAL_TLS_KEY_FILE: certs.clientKey,
      ...overrides,
    }).temporal;
  const failure = async (config: TemporalConfig) => {
    const cause = new Error('Failed to connect before the deadline');
    const err = await temporalTlsFailure(config, temporalConnectionOptions(config).tls, cause);
    if (err) expect(err.cause).toBe(cause);
    return err;
  };

  it('finds nothing wrong when the handshake and the first answer go through', async () => {
    const config = temporal();
    expect(await probeTls(config.address, temporalConnectionOptions(config).tls!)).toEqual({ ok: true });
    expect(await failure(config)).toBeUndefined();
    expect(await failure(temporal({ SNAPSEAL_TEMPORAL_TLS_SERVER_NAME: 'localhost' }))).toBeUndefined();
  });

  it('names SNAPSEAL_TEMPORAL_TLS_CA_FILE when the server certificate is not signed by that CA', async () => {
    const err = await failure(temporal({ SNAPSEAL_TEMPORAL_TLS_CA_FILE: certs.otherCaCert }));
    expect(err?.name).toBe('TemporalTlsError');
    expect(err?.message).toBe(
      `Temporal at ${proxy.address} (TEMPORAL_ADDRESS): its TLS certificate is not signed by the CA in SNAPSEAL_TEMPORAL_TLS_CA_FILE="${certs.otherCaCert}" (self-signed certificate in certificate chain). Set SNAPSEAL_TEMPORAL_TLS_CA_FILE to the PEM file of the CA that signed the server's certificate.`,
    );
  });

  it('names SNAPSEAL_TEMPORAL_TLS_SERVER_NAME when the certificate is issued for other names', async () => {
    const err = await failure(temporal({ SNAPSEAL_TEMPORAL_TLS_SERVER_NAME: 'temporal.example' }));
    expect(err?.message).toContain('its TLS certificate is not issued for "temporal.example"');
    expect(err?.message).toContain('(now SNAPSEAL_TEMPORAL_TLS_SERVER_NAME="temporal.example")');
  });

  it('asks for the client certificate settings when the server requires one and none is set', async () => {
    const err = await failure(
      temporal({ SNAPSEAL_TEMPORAL_TLS_CERT_FILE: '', SNAPSEAL_TEMPORAL_TLS_KEY_FILE: '' }),
    );
    expect(err?.message).toMatch(
      /requires a client certificate \(mTLS\) and none is set \(.+\)\. Set SNAPSEAL_TEMPORAL_TLS_CERT_FILE and SNAPSEAL_TEMPORAL_TLS_KEY_FILE/,
    );
  });

  it('names SNAPSEAL_TEMPORAL_TLS_CERT_FILE when the server refuses the client certificate', async () => {
    const err = await failure(
      temporal({
        SNAPSEAL_TEMPORAL_TLS_CERT_FILE: certs.strangerCert,
        SNAPSEAL_TEMPORAL_TLS_KEY_FILE: certs.strangerKey,
      }),
    );
    expect(err?.message).toContain(
      `refused the client certificate in SNAPSEAL_TEMPORAL_TLS_CERT_FILE="${certs.strangerCert}"`,
    );
  });

  it('says the server does not answer TLS when it speaks plain TCP', async () => {
    const err = await failure(temporal({ TEMPORAL_ADDRESS: plain.address }));
    expect(err?.message).toContain(`Temporal at ${plain.address} (TEMPORAL_ADDRESS) does not answer TLS`);
    expect(err?.message).toContain('set SNAPSEAL_TEMPORAL_TLS=false');
  });

  it('leaves an unreachable server, and TLS off, to the caller', async () => {
    const closed = createServer();
    const address = await listen(closed);
    await closeServer(closed);
    expect(await failure(temporal({ TEMPORAL_ADDRESS: address }))).toBeUndefined();
    const off = loadConfig({ TEMPORAL_ADDRESS: proxy.address }).temporal;
    expect(await temporalTlsFailure(off, undefined, new Error('down'))).toBeUndefined();
  });
});

describe('explainTlsOutcome', () => {
  const temporal = (settings: Record<string, string>): TemporalConfig =>
    loadConfig({ TEMPORAL_ADDRESS: 'temporal.internal:7233', SNAPSEAL_TEMPORAL_TLS: 'true', ...settings })
      .temporal;

  it('points at SNAPSEAL_TEMPORAL_TLS_CA_FILE when the system CAs do not trust the server', () => {
    expect(
      explainTlsOutcome(temporal({}), {
        ok: false,
        code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
        detail: 'unable to get local issuer certificate',
      }),
    ).toBe(
      "Temporal at temporal.internal:7233 (TEMPORAL_ADDRESS): its TLS certificate is not trusted by the system CAs (unable to get local issuer certificate). Set SNAPSEAL_TEMPORAL_TLS_CA_FILE to the PEM file of the CA that signed the server's certificate.",
    );
  });

  it('checks the host of TEMPORAL_ADDRESS when no server name is set', () => {
    expect(
      explainTlsOutcome(temporal({}), { ok: false, code: 'ERR_TLS_CERT_ALTNAME_INVALID', detail: 'x' }),
    ).toContain('not issued for "temporal.internal" (x)');
  });

  it("blames the server's certificate when it is out of date", () => {
    expect(
      explainTlsOutcome(temporal({}), {
        ok: false,
        code: 'CERT_HAS_EXPIRED',
        detail: 'certificate has expired',
      }),
    ).toContain(
      "its TLS certificate is out of date (certificate has expired); the server's certificate must be renewed.",
    );
  });

  it('reads a connection closed after the handshake as a refused client certificate when one is set', () => {
    const closed = { ok: false, code: 'CLOSED', detail: 'closed' } as const;
    expect(
      explainTlsOutcome(
        temporal({
          SNAPSEAL_TEMPORAL_TLS_CERT_FILE: '/etc/c.pem',
          SNAPSEAL_TEMPORAL_TLS_KEY_FILE: '/etc/k.pem',
        }),
        closed,
      ),
    ).toContain('refused the client certificate in SNAPSEAL_TEMPORAL_TLS_CERT_FILE="/etc/c.pem"');
    expect(explainTlsOutcome(temporal({}), closed)).toContain('requires a client certificate');
  });

  it('has nothing to say about a timeout or a refused connection', () => {
    for (const code of ['TIMEOUT', 'ECONNREFUSED', 'ENOTFOUND']) {
      expect(explainTlsOutcome(temporal({}), { ok: false, code, detail: code })).toBeUndefined();
    }
  });
});
