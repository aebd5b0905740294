// Recipient keys from Sequoia and GnuPG 2.2 given to the real worker process: a key GnuPG 2.2 cannot read (a v6
// key) stops it at start-up, before it polls, with the key's fingerprint and the reason; v4 keys start it, even
// one that advertises SEIPDv2, and the archive it writes is PKESK v3 + SEIPD v1, which GnuPG 2.2 decrypts.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import * as openpgp from 'openpgp';
import type { ArchiveResult } from '../../src/archive/archive-types';
import { archiveLayout } from '../../src/archive/archive-layout';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, workerEnv, type ArchiveHarness } from './archive-harness';
import { gnupg, type GnuPG } from './gnupg';
import { startWorkerProcess } from './worker-process';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');
// pysequoia in its own venv, installed by scripts/bootstrap-tests.sh: Debian 12's sq (0.27) writes neither a key
// that advertises SEIPDv2 nor a v6 key.
const cache =
  process.env.SNAPSEAL_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'snapseal');
const sequoiaPython = join(cache, 'pysequoia', 'bin', 'python');

interface KeyFiles {
  pub: string;
  sec: string;
  fingerprint: string;
}

/** A Sequoia key pair: rfc4880 gives a v4 key advertising SEIPDv2, rfc9580 a v6 key. */
async function sequoiaKey(profile: 'rfc4880' | 'rfc9580', dir: string): Promise<KeyFiles> {
  if (!existsSync(sequoiaPython))
    throw new Error(`${sequoiaPython} is missing: run scripts/bootstrap-tests.sh`);
  const prefix = join(dir, `sequoia-${profile}`);
  const script = join(__dirname, 'fixtures', 'sequoia-keygen.py');
  const { stdout } = await run(sequoiaPython, [script, profile, `<${profile}@example.invalid>`, prefix]);
  return { pub: `${prefix}.pub.asc`, sec: `${prefix}.sec.asc`, fingerprint: stdout.trim() };
}

/** A key pair from the sq command (Sequoia 0.27 on Debian 12: v4, Features MDC only). */
async function sqKey(dir: string): Promise<KeyFiles> {
  const sec = join(dir, 'sq.sec.pgp');
  await run('sq', ['key', 'generate', '--userid', '<sq@example.invalid>', '--export', sec]);
  const pub = join(dir, 'sq.pub.asc');
  await writeFile(pub, (await run('sq', ['key', 'extract-cert', sec])).stdout);
  return { pub, sec, fingerprint: await fingerprintOf(pub) };
}

/** A GnuPG 2.2 key with its defaults (RSA 3072), made in `home`. */
async function gnupgKey(home: GnuPG, dir: string): Promise<KeyFiles> {
  const email = 'gnupg@example.invalid';
  await home.gpg(['--passphrase', '', '--quick-gen-key', email, 'default', 'default', 'never']);
  const pub = join(dir, 'gnupg.pub.asc');
  const sec = join(dir, 'gnupg.sec.asc');
  await writeFile(pub, (await home.gpg(['--armor', '--export', email])).stdout);
  await writeFile(sec, (await home.gpg(['--armor', '--export-secret-keys', email])).stdout);
  return { pub, sec, fingerprint: await fingerprintOf(pub) };
}

async function fingerprintOf(file: string): Promise<string> {
  const key = await openpgp.readKey({ armoredKey: await readFile(file, 'utf8') });
  return key.getFingerprint().toUpperCase();
}

/** The SEIPDv2 bit (0x08) of the key's Features, as openpgp.js reads it to choose AEAD. */
async function advertisesSeipdV2(file: string): Promise<boolean> {
  const key = await openpgp.readKey({ armoredKey: await readFile(file, 'utf8') });
  const { selfCertification } = await key.getPrimaryUser();
  return ((selfCertification.features?.[0] ?? 0) & 0x08) === 0x08;
}

/** Run the built worker until it exits by itself (it must, at start-up); its exit code and output. */
async function workerRefusal(env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  const result = await run('node', [join(root, 'dist', 'worker.js')], { env, timeout: 60_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (err: { code?: number; killed?: boolean; stdout: string; stderr: string }) => ({
      code: err.killed ? -1 : (err.code ?? -1),
      output: err.stdout + err.stderr,
    }),
  );
  return result;
}

describe('recipient keys GnuPG 2.2 could not read, at worker start-up (real stack)', () => {
  let h: ArchiveHarness;
  let home: GnuPG;
  let v6: KeyFiles;
  let seipdV2: KeyFiles;
  let sq: KeyFiles;
  let gpgKey: KeyFiles;
  beforeAll(async () => {
    h = await createArchiveHarness();
    home = await gnupg([]);
    v6 = await sequoiaKey('rfc9580', h.keyDir);
    seipdV2 = await sequoiaKey('rfc4880', h.keyDir);
    sq = await sqKey(h.keyDir);
    gpgKey = await gnupgKey(home, h.keyDir);
  });
  afterAll(async () => {
    await home?.close();
    await h?.close();
  });

  it('has keys of the kinds the cases need', async () => {
    const v6Key = await openpgp.readKey({ armoredKey: await readFile(v6.pub, 'utf8') });
    expect(v6Key.keyPacket.version).toBe(6);
    expect(v6.fingerprint).toMatch(/^[0-9A-F]{64}$/);
    expect(v6Key.getFingerprint().toUpperCase()).toBe(v6.fingerprint);
    const v4Key = await openpgp.readKey({ armoredKey: await readFile(seipdV2.pub, 'utf8') });
    expect(v4Key.keyPacket.version).toBe(4);
    expect(await fingerprintOf(seipdV2.pub)).toBe(seipdV2.fingerprint);
    // Without the session key snapseal fixes, openpgp.js would write SEIPDv2 (AEAD) for this key alone.
    expect(await advertisesSeipdV2(seipdV2.pub)).toBe(true);
    expect(await advertisesSeipdV2(sq.pub)).toBe(false);
    expect(await advertisesSeipdV2(gpgKey.pub)).toBe(false);
  });

  it('exits with the configuration code before polling when the recipient key is a v6 key, naming it', async () => {
    const { code, output } = await workerRefusal(workerEnv(h, { SNAPSEAL_RECIPIENT_KEY_FILES: v6.pub }));
    expect(code).toBe(3);
    expect(output).toContain(
      `snapseal: recipient key 1 (${v6.fingerprint}) is a v6 key (RFC 9580): GnuPG 2.2 cannot read it`,
    );
    expect(output).not.toContain('polling task queue');
    expect(output).not.toMatch(/^\s+at /m); // one message, no stack trace
  });

  it('refuses the v6 key beside a GnuPG key too, naming the second key, not the first', async () => {
    const { code, output } = await workerRefusal(
      workerEnv(h, { SNAPSEAL_RECIPIENT_KEY_FILES: `${gpgKey.pub},${v6.pub}` }),
    );
    expect(code).toBe(3);
    expect(output).toContain(`recipient key 2 (${v6.fingerprint}) is a v6 key (RFC 9580)`);
    expect(output).not.toContain(gpgKey.fingerprint);
    expect(output).not.toContain('polling task queue');
    expect(output).not.toMatch(/^\s+at /m);
  });

  /** Archive `date` with a worker process whose recipients are `recipients`; volume 1 in a file. */
  async function archiveFor(recipients: KeyFiles[], date: string) {
    await loadSampleDay(h.search, h.template, date, 300);
    const worker = startWorkerProcess(
      workerEnv(h, { SNAPSEAL_RECIPIENT_KEY_FILES: recipients.map((k) => k.pub).join(',') }),
    );
    let sealed: ArchiveResult;
    try {
      await worker.ready;
      sealed = await h.temporal.workflow.execute('archiveSnapshot', {
        taskQueue: h.config.temporal.taskQueue,
        workflowId: archiveWorkflowId(h.config.temporal.taskQueue, date),
        args: [{ date }],
      });
    } finally {
      await worker.stop();
    }
    expect(sealed.status).toBe('SEALED');
    const get = (key: string) =>
      h.s3.send(new GetObjectCommand({ Bucket: h.config.archive.bucket, Key: key }));
    const manifest = JSON.parse(await (await get(sealed.manifestKey)).Body!.transformToString()) as {
      recipients: string[];
      volumes: { plaintextSha256: string }[];
    };
    expect([...manifest.recipients].sort()).toEqual(recipients.map((k) => k.fingerprint).sort());
    const volumeFile = join(h.keyDir, `${date}-volume-0001.tar.gpg`);
    const volume = await get(archiveLayout(h.config.archive.prefix, sealed.archiveId).volumeKey(1));
    await writeFile(volumeFile, await volume.Body!.transformToByteArray());
    return { volumeFile, plaintextSha256: manifest.volumes[0]!.plaintextSha256 };
  }

  /** GnuPG's own reading of the packets: one PKESK v3 per recipient, then SEIPD v1 (MDC), no AEAD packet. */
  async function expectSeipdV1(volumeFile: string, recipients: number): Promise<void> {
    const packets = (await home.gpg(['--list-packets', '--list-only', volumeFile])).stdout;
    expect(packets.match(/^:pubkey enc packet: version 3,/gm)).toHaveLength(recipients);
    expect(packets).not.toMatch(/^:pubkey enc packet: version [^3]/m);
    expect(packets).toMatch(/^:encrypted data packet:\n\s+length: \S+\n\s+mdc_method: 2$/m);
    expect(packets).not.toContain(':aead encrypted packet:');
  }

  /** Each key alone, in a GnuPG 2.2 home of its own, decrypts the volume to the tar the manifest describes. */
  async function expectGnupgDecrypts(volumeFile: string, keys: KeyFiles[], sha256: string): Promise<void> {
    for (const key of keys) {
      const alone = await gnupg([key.sec]);
      try {
        const plain = (
          await run('gpg', ['--homedir', alone.home, '--batch', '--decrypt', '--output', '-', volumeFile], {
            encoding: 'buffer',
            maxBuffer: 256 * 1024 * 1024,
          })
        ).stdout;
        expect(createHash('sha256').update(plain).digest('hex')).toBe(sha256);
      } finally {
        await alone.close();
      }
    }
  }

  it('starts with the SEIPDv2-advertising Sequoia key alone, and writes SEIPD v1 that GnuPG decrypts', async () => {
    // The case openpgp.js would write AEAD for: every recipient advertises SEIPDv2.
    const { volumeFile, plaintextSha256 } = await archiveFor([seipdV2], '2026-11-14');
    await expectSeipdV1(volumeFile, 1);
    await expectGnupgDecrypts(volumeFile, [seipdV2], plaintextSha256);
  });

  it('starts with GnuPG, sq and SEIPDv2-advertising keys together; each decrypts the volumes in GnuPG', async () => {
    const recipients = [gpgKey, sq, seipdV2];
    const { volumeFile, plaintextSha256 } = await archiveFor(recipients, '2026-11-15');
    await expectSeipdV1(volumeFile, recipients.length);
    await expectGnupgDecrypts(volumeFile, recipients, plaintextSha256);
  });
});
