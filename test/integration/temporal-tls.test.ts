// Temporal over mTLS, through snapseal's own SNAPSEAL_TEMPORAL_TLS_* settings. The dev server has no TLS
// options, so a TLS-terminating proxy (test/integration/tls-proxy.ts) that requires a client certificate
// stands in front of its plain gRPC port. A CLI archive and a worker built by createSnapsealWorker run a real
// archive through it; each misconfiguration stops the CLI or the worker with exit code 3 and a message naming
// the setting to change, and nothing is started in Temporal.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ArchiveResult } from '../../src/archive/archive-types';
import { loadConfig } from '../../src/config';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { createSnapsealWorker } from '../../src/worker-factory';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, workerEnv, type ArchiveHarness } from './archive-harness';
import { createTestCertificates, type TestCertificates } from './test-certificates';
import { startTlsProxy, type TlsProxy } from './tls-proxy';

const bin = join(__dirname, '..', '..', 'bin', 'snapseal.js');

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** A stack trace line, which an operator's error message must not contain. */
const STACK_LINE = /^\s+at .+\(.*:\d+:\d+\)$/m;

describe('Temporal over mTLS (TLS proxy requiring client certificates, real dev server behind it)', () => {
  let certs: TestCertificates;
  let proxy: TlsProxy;
  let h: ArchiveHarness;

  /** snapseal's settings for the proxy: its CA, the client certificate, the name its certificate is for. */
  const mtls = (overrides: Record<string, string> = {}): Record<string, string> => ({
    TEMPORAL_ADDRESS: proxy.address,
    SNAPSEAL_TEMPORAL_TLS_CA_FILE: certs.caCert,
    SNAPSEAL_TEMPORAL_TLS_CERT_FILE: certs.clientCert,
    SNAPSEAL_TEMPORAL_TLS_KEY_FILE: certs.clientKey,
    SNAPSEAL_TEMPORAL_TLS_SERVER_NAME: 'localhost',
    ...overrides,
  });
  const snapseal = (args: string[], settings: Record<string, string>): Promise<Ran> => {
    const started = Date.now();
    return new Promise((resolve) => {
      execFile(
        'node',
        [bin, ...args],
        { env: workerEnv(h, { SNAPSEAL_SCHEDULE_ID: h.config.schedule.id, ...settings }), timeout: 120_000 },
        (error, stdout, stderr) =>
          resolve({
            code: error ? ((error as { code?: number }).code ?? 1) : 0,
            stdout,
            stderr,
            ms: Date.now() - started,
          }),
      );
    });
  };
  /** The archive workflow of `date` does not exist (asked over the plain port, not through the proxy). */
  const expectNoWorkflow = async (date: string): Promise<void> => {
    const handle = h.temporal.workflow.getHandle(archiveWorkflowId(h.config.temporal.taskQueue, date));
    await expect(handle.describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  };
  const handshakes = (): number => proxy.clients.length + proxy.refusals.length;

  beforeAll(async () => {
    certs = await createTestCertificates();
    proxy = await startTlsProxy({
      upstream: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
      certFile: certs.serverCert,
      keyFile: certs.serverKey,
      clientCaFile: certs.caCert,
    });
    h = await createArchiveHarness();
  });
  afterAll(async () => {
    await proxy?.close();
    await certs?.remove();
    await h?.close();
  });

  it('archives a day: `snapseal archive` and a worker from createSnapsealWorker, both over mTLS', async () => {
    const date = '2026-11-20';
    const docs = (await loadSampleDay(h.search, h.template, date, 50)).docs;
    const config = { ...h.config, temporal: loadConfig(workerEnv(h, mtls())).temporal };
    expect(config.temporal.address).toBe(proxy.address);
    const { worker, close } = await createSnapsealWorker(config);
    let ran: Ran;
    try {
      ran = await worker.runUntil(snapseal(['--json', 'archive', '--date', date], mtls()));
    } finally {
      await close();
    }
    expect(ran.stderr).not.toMatch(STACK_LINE);
    expect(ran.code).toBe(0);
    const result = JSON.parse(ran.stdout) as ArchiveResult & { workflowId: string };
    expect(result.status).toBe('SEALED');
    expect(result.indices.reduce((n, i) => n + i.docCount, 0)).toBe(docs);
    // The same run, seen over the plain port: it really went through Temporal.
    const described = await h.temporal.workflow.getHandle(result.workflowId).describe();
    expect(described.status.name).toBe('COMPLETED');
    // Both the worker (native client) and the CLI (grpc-js) presented the client certificate.
    expect(proxy.clients.length).toBeGreaterThanOrEqual(2);
    expect(new Set(proxy.clients)).toEqual(new Set([certs.clientName]));
  });

  it('a CA that did not sign the server certificate: exit 3 naming SNAPSEAL_TEMPORAL_TLS_CA_FILE', async () => {
    const date = '2026-11-21';
    const ran = await snapseal(
      ['archive', '--date', date, '--no-wait'],
      mtls({ SNAPSEAL_TEMPORAL_TLS_CA_FILE: certs.otherCaCert }),
    );
    expect(ran.code).toBe(3);
    expect(ran.stderr).toContain(
      `snapseal: Temporal at ${proxy.address} (TEMPORAL_ADDRESS): its TLS certificate is not signed by the CA in SNAPSEAL_TEMPORAL_TLS_CA_FILE="${certs.otherCaCert}"`,
    );
    expect(ran.stderr).toContain('Set SNAPSEAL_TEMPORAL_TLS_CA_FILE to the PEM file of the CA');
    expect(ran.stderr).not.toMatch(STACK_LINE);
    await expectNoWorkflow(date);

    // `status` reads S3 when Temporal is down, but a TLS setting problem is not an outage: it stops too.
    const status = await snapseal(['status'], mtls({ SNAPSEAL_TEMPORAL_TLS_CA_FILE: certs.otherCaCert }));
    expect(status.code).toBe(3);
    expect(status.stderr).toContain('SNAPSEAL_TEMPORAL_TLS_CA_FILE');
    expect(status.stdout).toBe('');
  });

  it('no client certificate where the server requires one: exit 3 naming the cert and key settings', async () => {
    const date = '2026-11-22';
    const noClientCert = mtls({ SNAPSEAL_TEMPORAL_TLS_CERT_FILE: '', SNAPSEAL_TEMPORAL_TLS_KEY_FILE: '' });
    const refusalsBefore = proxy.refusals.length;
    const ran = await snapseal(['archive', '--date', date, '--no-wait'], noClientCert);
    expect(ran.code).toBe(3);
    expect(ran.stderr).toContain(
      `Temporal at ${proxy.address} (TEMPORAL_ADDRESS) requires a client certificate (mTLS) and none is set`,
    );
    expect(ran.stderr).toContain(
      'Set SNAPSEAL_TEMPORAL_TLS_CERT_FILE and SNAPSEAL_TEMPORAL_TLS_KEY_FILE to the client certificate',
    );
    expect(ran.stderr).not.toMatch(STACK_LINE);
    expect(proxy.refusals.slice(refusalsBefore).join('\n')).toContain('peer did not return a certificate');
    await expectNoWorkflow(date);

    // The worker process says the same and exits, rather than retrying forever or printing a transport error.
    const workerRun = await snapseal(['worker'], noClientCert);
    expect(workerRun.code).toBe(3);
    expect(workerRun.stderr).toContain('requires a client certificate (mTLS) and none is set');
    expect(workerRun.stderr).not.toMatch(STACK_LINE);
  });

  it('a client certificate from a CA the server does not trust: exit 3 naming SNAPSEAL_TEMPORAL_TLS_CERT_FILE', async () => {
    const stranger = mtls({
      SNAPSEAL_TEMPORAL_TLS_CERT_FILE: certs.strangerCert,
      SNAPSEAL_TEMPORAL_TLS_KEY_FILE: certs.strangerKey,
    });
    const ran = await snapseal(['archive', '--date', '2026-11-23', '--no-wait'], stranger);
    expect(ran.code).toBe(3);
    expect(ran.stderr).toContain(
      `refused the client certificate in SNAPSEAL_TEMPORAL_TLS_CERT_FILE="${certs.strangerCert}"`,
    );
    expect(ran.stderr).not.toMatch(STACK_LINE);
    await expectNoWorkflow('2026-11-23');

    // createSnapsealWorker fails the same way, in process.
    const config = { ...h.config, temporal: loadConfig(workerEnv(h, stranger)).temporal };
    await expect(createSnapsealWorker(config)).rejects.toMatchObject({
      name: 'TemporalTlsError',
      message: expect.stringContaining('refused the client certificate in SNAPSEAL_TEMPORAL_TLS_CERT_FILE'),
    });
  });

  it('a server name the certificate is not issued for: exit 3 naming SNAPSEAL_TEMPORAL_TLS_SERVER_NAME', async () => {
    const ran = await snapseal(
      ['archive', '--date', '2026-11-24', '--no-wait'],
      mtls({ SNAPSEAL_TEMPORAL_TLS_SERVER_NAME: 'temporal.example' }),
    );
    expect(ran.code).toBe(3);
    expect(ran.stderr).toContain('its TLS certificate is not issued for "temporal.example"');
    expect(ran.stderr).toContain(
      'Set SNAPSEAL_TEMPORAL_TLS_SERVER_NAME to a name the certificate is issued for',
    );
    expect(ran.stderr).not.toMatch(STACK_LINE);
    await expectNoWorkflow('2026-11-24');
  });

  it('an unreadable or wrong PEM file: exit 3 naming the setting, before any connection is made', async () => {
    const before = handshakes();
    const missing = join(certs.dir, 'missing.pem');
    const unreadable = await snapseal(
      ['archive', '--date', '2026-11-25', '--no-wait'],
      mtls({ SNAPSEAL_TEMPORAL_TLS_CERT_FILE: missing }),
    );
    expect(unreadable.code).toBe(3);
    expect(unreadable.stderr).toContain(
      `SNAPSEAL_TEMPORAL_TLS_CERT_FILE=${JSON.stringify(missing)}: cannot read it (ENOENT)`,
    );
    expect(unreadable.stderr).not.toMatch(STACK_LINE);

    const wrongKey = await snapseal(
      ['archive', '--date', '2026-11-25', '--no-wait'],
      mtls({ SNAPSEAL_TEMPORAL_TLS_KEY_FILE: certs.strangerKey }),
    );
    expect(wrongKey.code).toBe(3);
    expect(wrongKey.stderr).toContain(
      `SNAPSEAL_TEMPORAL_TLS_KEY_FILE=${JSON.stringify(certs.strangerKey)}: not the private key of the certificate in SNAPSEAL_TEMPORAL_TLS_CERT_FILE=${JSON.stringify(certs.clientCert)}`,
    );

    const notPem = await snapseal(
      ['archive', '--date', '2026-11-25', '--no-wait'],
      mtls({ SNAPSEAL_TEMPORAL_TLS_CA_FILE: join(certs.dir, 'server.ext') }),
    );
    expect(notPem.code).toBe(3);
    expect(notPem.stderr).toContain('SNAPSEAL_TEMPORAL_TLS_CA_FILE=');
    expect(notPem.stderr).toContain('not a PEM certificate (no BEGIN CERTIFICATE block)');

    // Found before connecting: the proxy saw no handshake at all, and no workflow exists.
    expect(handshakes()).toBe(before);
    await expectNoWorkflow('2026-11-25');
    for (const ran of [unreadable, wrongKey, notPem]) expect(ran.ms).toBeLessThan(10_000);
  });
});
