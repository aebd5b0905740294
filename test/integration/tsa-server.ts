// A real RFC 3161 time-stamp authority for tests: a throw-away CA and TSA signer made with openssl, and a
// loopback HTTP responder that answers each query with `openssl ts -reply`.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestTsa {
  url: string;
  caFile: string;
  dir: string;
  /** Queries answered so far. */
  served(): number;
  /** While on, every query is answered HTTP 503 (an outage); returns how many were refused so far. */
  refuse(on: boolean): void;
  refused(): number;
  close(): Promise<void>;
}

const CONFIG = `
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = snapseal test
[ ca_ext ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ tsa_ext ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = .
serial = $dir/tsaserial
signer_cert = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.55555.1
digests = sha256
accuracy = secs:1
# Milliseconds in genTime: archives stamped one after another get distinct, ordered times.
clock_precision_digits = 3
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`;

export async function startTestTsa(): Promise<TestTsa> {
  const dir = await mkdtemp(join(tmpdir(), 'snapseal-tsa-'));
  const ssl = (...args: string[]) => run('openssl', args, { cwd: dir });
  await writeFile(join(dir, 'openssl.cnf'), CONFIG);
  await writeFile(join(dir, 'tsaserial'), '01\n');
  const key = (name: string) =>
    ssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', name);
  await key('ca.key');
  await ssl(
    'req',
    '-new',
    '-x509',
    '-config',
    'openssl.cnf',
    '-extensions',
    'ca_ext',
    '-key',
    'ca.key',
    '-subj',
    '/CN=snapseal test TSA CA',
    '-days',
    '2',
    '-out',
    'ca.pem',
  );
  await key('tsa.key');
  await ssl(
    'req',
    '-new',
    '-config',
    'openssl.cnf',
    '-key',
    'tsa.key',
    '-subj',
    '/CN=snapseal test TSA',
    '-out',
    'tsa.csr',
  );
  await ssl(
    'x509',
    '-req',
    '-in',
    'tsa.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-extfile',
    'openssl.cnf',
    '-extensions',
    'tsa_ext',
    '-days',
    '2',
    '-out',
    'tsa.pem',
  );

  let served = 0;
  let counter = 0;
  let refusing = false;
  let refused = 0;
  const server: Server = createServer((req, res) => {
    if (refusing) {
      refused++;
      req.resume();
      res.writeHead(503).end('time-stamp authority unavailable');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = ++counter;
      const query = join(dir, `q${n}.tsq`);
      const reply = join(dir, `r${n}.tsr`);
      writeFile(query, Buffer.concat(chunks))
        .then(() => ssl('ts', '-reply', '-config', 'openssl.cnf', '-queryfile', query, '-out', reply))
        .then(() => readFile(reply))
        .then((body) => {
          served++;
          res.writeHead(200, { 'Content-Type': 'application/timestamp-reply' }).end(body);
        })
        .catch((err: Error) => res.writeHead(500).end(err.message));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/tsa`,
    caFile: join(dir, 'ca.pem'),
    dir,
    served: () => served,
    refuse: (on) => void (refusing = on),
    refused: () => refused,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
