// A loopback HTTP proxy in front of the real OpenSearch node that a fault test can cut and restore. Cutting
// makes the cluster unreachable for the worker (every connection is reset) while the node itself keeps running,
// as in a network partition: a snapshot in progress goes on.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ClusterProxy {
  url: string;
  /** Requests that reached the cluster, and those refused while cut. */
  counts: { forwarded: number; refused: number };
  /** Cut the link as soon as a request matching `matches` has been answered by the cluster. */
  cutAfter(matches: (method: string, path: string) => boolean): Promise<void>;
  restore(): void;
  close(): Promise<void>;
}

export async function startClusterProxy(upstream: string): Promise<ClusterProxy> {
  const target = new URL(upstream);
  const sockets = new Set<Socket>();
  let cut = false;
  let trigger: { matches: (method: string, path: string) => boolean; fired: () => void } | undefined;
  const counts = { forwarded: 0, refused: 0 };

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
    counts.forwarded += 1;
    const forward = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', () => {
          if (trigger?.matches(req.method ?? '', req.url ?? '')) {
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
    cutAfter: (matches) => new Promise<void>((fired) => (trigger = { matches, fired })),
    restore: () => {
      cut = false;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
