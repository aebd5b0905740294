// A local RFC 3161 time-stamp authority for the local stack (scripts/stack.sh starts it) and the tests: a CA and
// a TSA signer (extended key usage critical id-kp-timeStamping) made once with openssl, and a loopback HTTP
// responder that answers each query with `openssl ts -reply`. Local only: the signer's key is a plain file.
// It imports node: modules only, so scripts/stack.sh runs it from source (Node's type stripping), unbuilt.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const CONFIG = `
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = snapseal local TSA
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

export interface LocalTsa {
  /** Where to send queries (SNAPSEAL_TSA_URL). */
  url: string;
  /** The CA the signer chains to (SNAPSEAL_TSA_CA_FILE). */
  caFile: string;
  /** Queries answered so far. */
  served(): number;
  /** While on, every query is answered HTTP 503 (an outage). */
  refuse(on: boolean): void;
  /** Queries refused so far. */
  refused(): number;
  close(): Promise<void>;
}

/**
 * The CA and the signer in `dir`, made once: files already there are kept, so a restarted stack keeps the CA
 * its tokens were checked against. `validDays` is how long both certificates are valid.
 */
export async function makeTsaFiles(dir: string, validDays: number): Promise<{ caFile: string }> {
  const caFile = join(dir, 'ca.pem');
  if (existsSync(caFile) && existsSync(join(dir, 'tsa.pem')) && existsSync(join(dir, 'tsa.key'))) {
    return { caFile };
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const ssl = (...args: string[]) => run('openssl', args, { cwd: dir });
  await writeFile(join(dir, 'openssl.cnf'), CONFIG);
  await writeFile(join(dir, 'tsaserial'), '01\n');
  const key = (name: string) =>
    ssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', name);
  const days = String(validDays);
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
    '/CN=snapseal local TSA CA',
    '-days',
    days,
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
    '/CN=snapseal local TSA',
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
    days,
    '-out',
    'tsa.pem',
  );
  return { caFile };
}

/**
 * Answers time-stamp queries (POST, any path) from the files makeTsaFiles left in `dir`; GET answers 200 as a
 * health check. One query at a time: openssl reads and advances the serial file.
 */
export async function startLocalTsa(
  dir: string,
  listen: { host?: string; port?: number } = {},
): Promise<LocalTsa> {
  const host = listen.host ?? '127.0.0.1';
  const queries = join(dir, 'queries');
  await mkdir(queries, { recursive: true });
  let served = 0;
  let counter = 0;
  let refusing = false;
  let refused = 0;
  let queue: Promise<unknown> = Promise.resolve();

  const reply = async (query: Buffer): Promise<Buffer> => {
    const n = ++counter;
    const queryFile = join(queries, `q${n}.tsq`);
    const replyFile = join(queries, `r${n}.tsr`);
    try {
      await writeFile(queryFile, query);
      await run(
        'openssl',
        ['ts', '-reply', '-config', 'openssl.cnf', '-queryfile', queryFile, '-out', replyFile],
        {
          cwd: dir,
        },
      );
      return await readFile(replyFile);
    } finally {
      await rm(queryFile, { force: true });
      await rm(replyFile, { force: true });
    }
  };

  const server: Server = createServer((req, res) => {
    if (req.method !== 'POST') {
      req.resume();
      res
        .writeHead(200, { 'Content-Type': 'text/plain' })
        .end('snapseal local TSA: POST an RFC 3161 query\n');
      return;
    }
    if (refusing) {
      refused++;
      req.resume();
      res.writeHead(503).end('time-stamp authority unavailable');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answered = queue.then(() => reply(Buffer.concat(chunks)));
      queue = answered.catch(() => undefined);
      answered.then(
        (body) => {
          served++;
          res.writeHead(200, { 'Content-Type': 'application/timestamp-reply' }).end(body);
        },
        (err: Error) => res.writeHead(500).end(err.message),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/tsa`,
    caFile: join(dir, 'ca.pem'),
    served: () => served,
    refuse: (on) => void (refusing = on),
    refused: () => refused,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The local stack's TSA (scripts/stack.sh up): certificates made once in `dir`, valid ten years. */
export async function serveStackTsa(dir: string, port: number): Promise<void> {
  await makeTsaFiles(dir, 3650);
  const tsa = await startLocalTsa(dir, { port });
  process.stderr.write(`snapseal local TSA on ${tsa.url} (CA ${tsa.caFile})\n`);
  const stop = () => void tsa.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
