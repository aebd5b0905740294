// Serves /metrics for Prometheus: snapseal's registry followed by the Temporal SDK Core's own metrics, which
// Core exports on 127.0.0.1:<port + 1> and this server fetches per scrape, so one scrape target has both.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface MetricsSettings {
  /** 0: no metrics server. */
  port: number;
  host: string;
}

/** Where Core's Prometheus exporter listens (loopback only: it is read through /metrics), if metrics are on. */
export function coreMetricsAddress(settings: MetricsSettings): string | undefined {
  return settings.port > 0 ? `127.0.0.1:${settings.port + 1}` : undefined;
}

async function coreMetrics(address: string): Promise<string> {
  try {
    const response = await fetch(`http://${address}/metrics`, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) return `# Temporal SDK metrics unavailable: HTTP ${response.status}\n`;
    return await response.text();
  } catch (err) {
    return `# Temporal SDK metrics unavailable: ${(err as Error).message}\n`;
  }
}

export interface MetricsServer {
  /** The address actually bound (port 0 in tests picks a free one). */
  address: AddressInfo;
  close(): Promise<void>;
}

export async function startMetricsServer(
  registry: Registry,
  settings: MetricsSettings,
  coreAddress = coreMetricsAddress(settings),
): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('snapseal metrics are at /metrics\n');
      return;
    }
    void (async () => {
      try {
        const own = await registry.metrics();
        const core = coreAddress ? await coreMetrics(coreAddress) : '';
        res.writeHead(200, { 'content-type': registry.contentType }).end(`${own}\n${core}`);
      } catch (err) {
        res
          .writeHead(500, { 'content-type': 'text/plain' })
          .end(`metrics failed: ${(err as Error).message}\n`);
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `Cannot serve metrics on ${settings.host}:${settings.port} (SNAPSEAL_METRICS_PORT, SNAPSEAL_METRICS_HOST): ${err.code ?? err.message}`,
          { cause: err },
        ),
      ),
    );
    server.listen(settings.port, settings.host, resolve);
  });
  return {
    address: server.address() as AddressInfo,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
