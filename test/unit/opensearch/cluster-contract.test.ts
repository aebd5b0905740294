// The cluster adapter's requests against the request shapes Elasticsearch 7.17/8.x/9.x, OpenSearch 2.x/3.x and
// Amazon OpenSearch Service document for repositories and snapshots, captured on a loopback HTTP server.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@opensearch-project/opensearch';
import { SignatureV4 } from '@smithy/signature-v4';
import { managedServiceSettings } from '../../../src/archive/staging-repository';
import { loadConfig } from '../../../src/config';
import { createOpenSearchClient } from '../../../src/opensearch/create-opensearch-client';
import {
  deleteIndices,
  deleteRepository,
  deleteSnapshot,
  getSnapshotStatus,
  registerReadonlyS3Repository,
  registerS3Repository,
  startSnapshot,
} from '../../../src/opensearch/snapshot-api';

interface Captured {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: unknown;
}

async function captureServer(
  reply: (req: Captured) => unknown,
): Promise<{ url: string; requests: Captured[]; close: () => Promise<void> }> {
  const requests: Captured[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const raw = Buffer.concat(chunks).toString('utf8');
      const captured: Captured = {
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body: raw ? (JSON.parse(raw) as unknown) : undefined,
      };
      requests.push(captured);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply(captured)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('cluster adapter requests', () => {
  let server: Awaited<ReturnType<typeof captureServer>>;
  let client: Client;
  beforeAll(async () => {
    server = await captureServer((req) =>
      req.method === 'GET' && req.path === '/_cat/indices/drill-abc-*'
        ? [{ index: 'drill-abc-logs-1' }, { index: 'drill-abc-logs-2' }]
        : req.method === 'GET' && req.path === '/_snapshot/staging/snap-1'
          ? {
              snapshots: [
                {
                  snapshot: 'snap-1',
                  uuid: 'u-1',
                  state: 'SUCCESS',
                  indices: ['logdata-21112026'],
                  shards: { total: 1, failed: 0, successful: 1 },
                  failures: [],
                },
              ],
            }
          : { acknowledged: true },
    );
    client = new Client({ node: server.url });
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });
  beforeEach(() => server.requests.splice(0));

  // Elasticsearch 7.x/8.x and OpenSearch 2.x/3.x document PUT and POST; Amazon OpenSearch Service PUT only
  // (the URLs are in src/opensearch/snapshot-api.ts), so PUT is the one every distribution accepts.
  it('registers an s3 repository with PUT /_snapshot/<repo>, verify=false, and the documented s3 settings', async () => {
    await registerS3Repository(client, 'staging', {
      bucket: 'snapseal-staging',
      base_path: 'staging/run/repository',
      client: 'default',
      shard_path_type: 'FIXED',
      server_side_encryption_type: 'bucket_default',
    });
    expect(server.requests).toEqual([
      expect.objectContaining({
        method: 'PUT',
        path: '/_snapshot/staging',
        query: { verify: 'false' },
        body: {
          type: 's3',
          settings: {
            bucket: 'snapseal-staging',
            base_path: 'staging/run/repository',
            client: 'default',
            shard_path_type: 'FIXED',
            server_side_encryption_type: 'bucket_default',
          },
        },
      }),
    ]);
  });

  // Amazon OpenSearch Service documents the request as PUT with bucket, base_path, region and role_arn
  // (docs.aws.amazon.com/opensearch-service/latest/developerguide/managedomains-snapshot-registerdirectory.html).
  it('registers an Amazon OpenSearch Service repository with PUT, role_arn and region among the s3 settings', async () => {
    const roleArn = 'arn:aws:iam::123456789012:role/TheSnapshotRole';
    const config = loadConfig({ SNAPSEAL_REPOSITORY_ROLE_ARN: roleArn, SNAPSEAL_S3_REGION: 'eu-west-1' });
    await registerS3Repository(client, 'staging', {
      bucket: 'b',
      base_path: 'p/repository',
      client: 'default',
      ...managedServiceSettings(config),
    });
    const [req] = server.requests;
    expect(req!.method).toBe('PUT');
    expect(req!.path).toBe('/_snapshot/staging');
    expect(req!.body).toEqual({
      type: 's3',
      settings: {
        bucket: 'b',
        base_path: 'p/repository',
        client: 'default',
        role_arn: roleArn,
        region: 'eu-west-1',
      },
    });
  });

  it('sends neither role_arn nor region to a self-managed cluster', () => {
    expect(managedServiceSettings(loadConfig({ SNAPSEAL_S3_REGION: 'eu-west-1' }))).toEqual({});
  });

  it('registers the restore repository read-only (readonly: true, as every distribution documents)', async () => {
    await registerReadonlyS3Repository(client, 'restore', { bucket: 'b', base_path: 'p', client: 'default' });
    expect(server.requests[0]).toMatchObject({
      method: 'PUT',
      path: '/_snapshot/restore',
      body: { type: 's3', settings: { bucket: 'b', base_path: 'p', client: 'default', readonly: true } },
    });
  });

  // OpenSearch documents PUT and POST; Amazon OpenSearch Service shows PUT (URLs in snapshot-api.ts).
  it('starts a snapshot with PUT /_snapshot/<repo>/<snapshot>, not waiting, without global state', async () => {
    await startSnapshot(client, 'staging', 'snap-1', ['logdata-21112026', 'logdata-x']);
    expect(server.requests).toEqual([
      expect.objectContaining({
        method: 'PUT',
        path: '/_snapshot/staging/snap-1',
        query: { wait_for_completion: 'false' },
        body: {
          indices: 'logdata-21112026,logdata-x',
          include_global_state: false,
          ignore_unavailable: false,
          partial: false,
        },
      }),
    ]);
  });

  it('reads snapshot status with GET /_snapshot/<repo>/<snapshot> and maps the documented fields', async () => {
    const status = await getSnapshotStatus(client, 'staging', 'snap-1');
    expect(server.requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ['GET', '/_snapshot/staging/snap-1', undefined],
    ]);
    expect(status).toEqual({
      state: 'SUCCESS',
      uuid: 'u-1',
      indices: ['logdata-21112026'],
      shards: { total: 1, failed: 0, successful: 1 },
      failures: [],
      reason: undefined,
    });
  });

  it('deletes a snapshot and a repository with DELETE and no body', async () => {
    await deleteSnapshot(client, 'staging', 'snap-1');
    await deleteRepository(client, 'staging');
    expect(server.requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ['DELETE', '/_snapshot/staging/snap-1', undefined],
      ['DELETE', '/_snapshot/staging', undefined],
    ]);
  });

  // Elasticsearch 8+ refuses DELETE /<pattern> unless action.destructive_requires_name is turned off.
  it('deletes indices by name: a pattern is resolved to the indices it matches (open or closed) first', async () => {
    await deleteIndices(client, ['restored-logs-1', 'drill-abc-*']);
    const sent = server.requests.map((r) => [r.method, decodeURIComponent(r.path), r.query.expand_wildcards]);
    expect(sent).toEqual([
      ['GET', '/_cat/indices/drill-abc-*', 'all'],
      ['DELETE', '/restored-logs-1,drill-abc-logs-1,drill-abc-logs-2', undefined],
    ]);
  });
});

describe('AWS SigV4 signing of cluster requests (Amazon OpenSearch Service)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('signs a repository request so that an independent SigV4 implementation computes the same signature', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
    process.env.AWS_SESSION_TOKEN = 'session-token-example';
    const server = await captureServer(() => ({ acknowledged: true }));
    const config = loadConfig({ SNAPSEAL_OPENSEARCH_URL: server.url, SNAPSEAL_OPENSEARCH_AWS_SIGV4: 'es' });
    const client = createOpenSearchClient(config.opensearch, 'eu-west-1');
    try {
      await registerS3Repository(client, 'staging', {
        bucket: 'b',
        base_path: 'p/repository',
        client: 'default',
        role_arn: 'arn:aws:iam::123456789012:role/TheSnapshotRole',
      });
    } finally {
      await client.close();
      await server.close();
    }
    const [req] = server.requests;
    const authorization = String(req!.headers.authorization);
    const m = /^AWS4-HMAC-SHA256 Credential=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
    expect(m).not.toBeNull();
    const [, credential, signedHeaders, signature] = m!;
    expect(credential).toMatch(/^AKIDEXAMPLE\/\d{8}\/eu-west-1\/es\/aws4_request$/);
    expect(signedHeaders!.split(';')).toEqual(
      expect.arrayContaining(['host', 'x-amz-date', 'x-amz-security-token']),
    );
    expect(req!.headers['x-amz-security-token']).toBe('session-token-example');
    const body = JSON.stringify(req!.body);
    // The payload hash the client sent is the body's, so the signature covers the repository settings.
    expect(req!.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(body).digest('hex'));

    const url = new URL(server.url);
    const headers = Object.fromEntries(signedHeaders!.split(';').map((h) => [h, String(req!.headers[h])]));
    const amzDate = String(req!.headers['x-amz-date']);
    const signingDate = new Date(
      `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
    );
    const verifier = new SignatureV4({
      service: 'es',
      region: 'eu-west-1',
      credentials: {
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
        sessionToken: 'session-token-example',
      },
      sha256: NodeSha256,
    });
    const resigned = await verifier.sign(
      {
        method: req!.method,
        protocol: url.protocol,
        hostname: url.hostname,
        port: Number(url.port),
        path: req!.path,
        query: req!.query,
        headers,
        body,
      },
      { signingDate },
    );
    expect(resigned.headers.authorization ?? resigned.headers.Authorization).toContain(
      `Signature=${signature}`,
    );
  });
});

/** The Checksum shape @smithy/signature-v4 wants, on Node's own crypto (hash or HMAC). */
class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    throw new Error('not used');
  }
}

function toBytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
