// A loopback HTTP proxy in front of a real service (OpenSearch, MinIO) that a fault test can cut, restore, or
// use to hold one request. Cutting makes the service unreachable for the worker (every connection is reset)
// while the service keeps running, as in a network partition. Holding parks a matching request unanswered, so
// a test can kill the worker at an exact point (mid-seal, mid-cleanup) without any hook in snapseal's code.
// Requests are forwarded unchanged (Host header included), so S3 signatures stay valid. An interceptor sees each
// request before it is forwarded (and may act first, e.g. change the object it asks for) and its answer's status.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

type Match = (method: string, path: string) => boolean;

/**
 * Awaited before a request is forwarded; the callback it returns gets the answer's status. A rejected promise
 * answers the request 502 without forwarding it.
 */
export type Interceptor = (method: string, path: string) => Promise<((status: number) => void) | void>;

export interface FaultProxy {
  url: string;
  /** Requests forwarded, refused while cut, and response bytes of GET requests per matching rule. */
  counts: { forwarded: number; refused: number; held: number };
  /** Response bytes of GETs whose path matches, from now on. */
  countGetBytes(matches: Match): () => number;
  /** Resolves when a matching request arrives; that one request is never answered (later ones pass). */
  hold(matches: Match): Promise<void>;
  /** Cut the link as soon as a request matching `matches` has been answered by the cluster. */
  cutAfter(matches: Match): Promise<void>;
  restore(): void;
  /** Sets (or with undefined, removes) the interceptor of every request from now on. */
  intercept(interceptor: Interceptor | undefined): void;
  close(): Promise<void>;
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const sockets = new Set<Socket>();
  let cut = false;
  let trigger: { matches: Match; fired: () => void } | undefined;
  let holding: { matches: Match; arrived: () => void } | undefined;
  const meters: { matches: Match; bytes: number }[] = [];
  const counts = { forwarded: 0, refused: 0, held: 0 };
  let interceptor: Interceptor | undefined;

  const cutNow = (): void => {
    cut = true;
    for (const socket of sockets) socket.destroy();
  };

  const server: Server = createServer((req: IncomingMessage, res) => {
    if (cut) {
      counts.refused += 1;
      req.socket.destroy();
      return;
    }
    const method = req.method ?? '';
    const path = req.url ?? '';
    if (holding?.matches(method, path)) {
      const arrived = holding.arrived;
      holding = undefined; // one request only: the worker that takes over must get through
      counts.held += 1;
      arrived();
      return; // parked: the client waits until it gives up or dies
    }
    const forwardNow = (answered?: (status: number) => void): void => {
      counts.forwarded += 1;
      const meter = method === 'GET' ? meters.filter((m) => m.matches(method, path)) : [];
      const forward = request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (answer) => {
          answered?.(answer.statusCode ?? 502);
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          if (meter.length > 0)
            answer.on('data', (chunk: Buffer) => meter.forEach((m) => (m.bytes += chunk.length)));
          answer.pipe(res);
          answer.on('end', () => {
            if (trigger?.matches(method, path)) {
              const fired = trigger.fired;
              trigger = undefined;
              // After the answer has left: the caller gets its reply, the next request finds the link cut.
              res.on('finish', () => setImmediate(cutNow));
              fired();
            }
          });
        },
      );
      forward.on('error', () => req.socket.destroy());
      req.pipe(forward);
    };
    if (!interceptor) return forwardNow();
    interceptor(method, path).then(
      (answered) => forwardNow(answered ?? undefined),
      (err: unknown) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`interceptor failed: ${String(err)}`);
      },
    );
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    countGetBytes: (matches) => {
      const meter = { matches, bytes: 0 };
      meters.push(meter);
      return () => meter.bytes;
    },
    hold: (matches) => new Promise<void>((arrived) => (holding = { matches, arrived })),
    cutAfter: (matches) => new Promise<void>((fired) => (trigger = { matches, fired })),
    restore: () => {
      cut = false;
      holding = undefined;
    },
    intercept: (next) => {
      interceptor = next;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
