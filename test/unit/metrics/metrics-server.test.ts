// /metrics serves the registry followed by the Temporal SDK Core exporter's text, and still answers (with a
// comment) when Core's exporter is not reachable.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Registry } from 'prom-client';
import { coreMetricsAddress, startMetricsServer } from '../../../src/metrics/metrics-server';

describe('metrics server', () => {
  it('merges Core metrics into one scrape and 404s elsewhere', async () => {
    const core = createServer((_req, res) => res.end('temporal_worker_task_slots_available 4\n'));
    await new Promise<void>((resolve) => core.listen(0, '127.0.0.1', resolve));
    const registry = new Registry();
    new Counter({ name: 'snapseal_test_total', help: 'test', registers: [registry] }).inc(3);
    const server = await startMetricsServer(
      registry,
      { port: 0, host: '127.0.0.1' },
      `127.0.0.1:${(core.address() as AddressInfo).port}`,
    );
    try {
      const base = `http://127.0.0.1:${server.address.port}`;
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).toContain('snapseal_test_total 3');
      expect(text).toContain('temporal_worker_task_slots_available 4');
      expect((await fetch(`${base}/other`)).status).toBe(404);
    } finally {
      await server.close();
      core.close();
    }
  });

  it('answers without Core metrics when the exporter is down', async () => {
    const server = await startMetricsServer(new Registry(), { port: 0, host: '127.0.0.1' }, '127.0.0.1:1');
    try {
      const response = await fetch(`http://127.0.0.1:${server.address.port}/metrics`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('# Temporal SDK metrics unavailable');
    } finally {
      await server.close();
    }
  });

  it('puts Core on loopback at the next port, and nowhere when metrics are off', () => {
    expect(coreMetricsAddress({ port: 9464, host: '0.0.0.0' })).toBe('127.0.0.1:9465');
    expect(coreMetricsAddress({ port: 0, host: '127.0.0.1' })).toBeUndefined();
  });

  it('names the settings when the port is taken', async () => {
    const first = await startMetricsServer(new Registry(), { port: 0, host: '127.0.0.1' });
    try {
      await expect(
        startMetricsServer(new Registry(), { port: first.address.port, host: '127.0.0.1' }),
      ).rejects.toThrow(/SNAPSEAL_METRICS_PORT.*EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});
