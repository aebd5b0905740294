// Throw-away PKI for TLS tests, made with the openssl CLI in a temp dir: a CA, a server certificate for
// 127.0.0.1 / localhost and a client certificate signed by it, and an unrelated CA with its own client
// certificate (trusted by nobody the tests start).
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  dir: string;
  /** PEM file paths. */
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  otherCaCert: string;
  /** A client certificate signed by the unrelated CA. */
  strangerCert: string;
  strangerKey: string;
  /** Common name of the client certificate. */
  clientName: string;
  remove(): Promise<void>;
}

const openssl = (dir: string, args: string[]): void => {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
};

const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function makeCa(dir: string, name: string): void {
  openssl(dir, [
    'req',
    '-x509',
    ...newKey,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

async function makeLeaf(dir: string, ca: string, name: string, extensions: string[]): Promise<void> {
  await writeFile(join(dir, `${name}.ext`), `${['basicConstraints=CA:FALSE', ...extensions].join('\n')}\n`);
  openssl(dir, [
    'req',
    '-new',
    ...newKey,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    `/CN=${name}`,
  ]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.pem`,
    '-CAkey',
    `${ca}.key`,
    '-set_serial',
    '0x' + Date.now().toString(16),
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.pem`,
  ]);
}

export async function createTestCertificates(): Promise<TestCertificates> {
  const dir = await mkdtemp(join(tmpdir(), 'snapseal-tls-'));
  try {
    makeCa(dir, 'test-ca');
    makeCa(dir, 'other-ca');
    await makeLeaf(dir, 'test-ca', 'server', [
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
    ]);
    const client = ['keyUsage=critical,digitalSignature', 'extendedKeyUsage=clientAuth'];
    await makeLeaf(dir, 'test-ca', 'snapseal-worker', client);
    await makeLeaf(dir, 'other-ca', 'stranger', client);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const at = (file: string): string => join(dir, file);
  return {
    dir,
    caCert: at('test-ca.pem'),
    serverCert: at('server.pem'),
    serverKey: at('server.key'),
    clientCert: at('snapseal-worker.pem'),
    clientKey: at('snapseal-worker.key'),
    otherCaCert: at('other-ca.pem'),
    strangerCert: at('stranger.pem'),
    strangerKey: at('stranger.key'),
    clientName: 'snapseal-worker',
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
