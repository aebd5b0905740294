// A TLS-terminating TCP proxy in front of the Temporal dev server's plain gRPC port, standing in for a
// frontend that requires mTLS: it speaks h2 over TLS, asks every client for a certificate signed by its CA,
// refuses the handshake without one, and pipes the decrypted bytes to the upstream port unchanged.
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { createServer, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';

export interface TlsProxyOptions {
  /** host:port of the plain gRPC frontend. */
  upstream: string;
  certFile: string;
  keyFile: string;
  /** CA that client certificates must be signed by. */
  clientCaFile: string;
}

export interface TlsProxy {
  /** 127.0.0.1:<port>, for TEMPORAL_ADDRESS. */
  address: string;
  port: number;
  /** Common names of the client certificates of the connections that passed the handshake. */
  clients: string[];
  /** Why handshakes failed, as the server saw it (e.g. "peer did not return a certificate"). */
  refusals: string[];
  close(): Promise<void>;
}

export async function startTlsProxy(options: TlsProxyOptions): Promise<TlsProxy> {
  const [upstreamHost, upstreamPort] = options.upstream.split(':');
  const sockets = new Set<Socket>();
  const clients: string[] = [];
  const refusals: string[] = [];
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const server = createServer(
    {
      cert: readFileSync(options.certFile),
      key: readFileSync(options.keyFile),
      ca: readFileSync(options.clientCaFile),
      ALPNProtocols: ['h2'],
      requestCert: true,
      rejectUnauthorized: true,
    },
    (tls: TLSSocket) => {
      track(tls);
      const subject = tls.getPeerCertificate().subject as { CN?: string } | undefined;
      clients.push(subject?.CN ?? '');
      const plain = connect(Number(upstreamPort), upstreamHost);
      track(plain);
      tls.pipe(plain).pipe(tls);
      tls.on('error', () => plain.destroy());
      plain.on('error', () => tls.destroy());
    },
  );
  server.on('tlsClientError', (err) => refusals.push(err.message));
  server.on('connection', track);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    port,
    clients,
    refusals,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
