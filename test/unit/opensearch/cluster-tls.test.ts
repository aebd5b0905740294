// The cluster connection over HTTPS: SNAPSEAL_OPENSEARCH_TLS_CA_FILE is the CA the cluster's certificate must
// chain to (Elasticsearch 8 ships with HTTPS on and a CA of its own), checked against a loopback HTTPS server.
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../../src/config';
import { createOpenSearchClient } from '../../../src/opensearch/create-opensearch-client';
import { getClusterInfo } from '../../../src/opensearch/snapshot-api';
import { createTestCertificates, type TestCertificates } from '../../integration/test-certificates';

describe('cluster connection over HTTPS', () => {
  let certs: TestCertificates;
  let server: Server;
  let url: string;
  const authorizations: (string | undefined)[] = [];

  beforeAll(async () => {
    certs = await createTestCertificates();
    server = createServer(
      { cert: await readFile(certs.serverCert), key: await readFile(certs.serverKey) },
      (req, res) => {
        authorizations.push(req.headers.authorization);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            cluster_name: 'es-tls',
            cluster_uuid: 'uuid-1',
            version: { number: '8.19.21', build_flavor: 'default' },
          }),
        );
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await certs.remove();
  });

  const client = (env: Record<string, string>) => {
    const config = loadConfig({ SNAPSEAL_OPENSEARCH_URL: url, ...env });
    return createOpenSearchClient(config.opensearch, config.s3.region);
  };

  it('trusts the CA of SNAPSEAL_OPENSEARCH_TLS_CA_FILE and sends the basic-auth user over it', async () => {
    const search = client({
      SNAPSEAL_OPENSEARCH_TLS_CA_FILE: certs.caCert,
      SNAPSEAL_OPENSEARCH_USERNAME: 'snapseal',
      SNAPSEAL_OPENSEARCH_PASSWORD: 'pw',
    });
    await expect(getClusterInfo(search)).resolves.toEqual({
      name: 'es-tls',
      uuid: 'uuid-1',
      version: '8.19.21',
      distribution: 'elasticsearch',
    });
    expect(authorizations.at(-1)).toBe(`Basic ${Buffer.from('snapseal:pw').toString('base64')}`);
    await search.close();
  });

  it('refuses a certificate of another CA, and one the system CAs do not know', async () => {
    const settings: Record<string, string>[] = [{ SNAPSEAL_OPENSEARCH_TLS_CA_FILE: certs.otherCaCert }, {}];
    for (const env of settings) {
      const search = client(env);
      const error = await getClusterInfo(search).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/certificate/i);
      await search.close();
    }
  });

  it('names the setting when its file is missing or holds no certificate', async () => {
    const notPem = join(certs.dir, 'not-a-certificate.txt');
    await writeFile(notPem, 'hello\n');
    for (const [file, problem] of [
      [join(certs.dir, 'missing.pem'), 'cannot read it (ENOENT)'],
      [notPem, 'holds no PEM certificate'],
    ] as const) {
      const error = (() => {
        try {
          loadConfig({ SNAPSEAL_OPENSEARCH_TLS_CA_FILE: file });
        } catch (err) {
          return err;
        }
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain('SNAPSEAL_OPENSEARCH_TLS_CA_FILE');
      expect((error as Error).message).toContain(problem);
    }
  });
});
