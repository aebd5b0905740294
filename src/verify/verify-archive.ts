// Proves a sealed archive authentic and complete: the manifest signature, then every volume streamed,
// decrypted and unpacked in memory-bounded streams, checking both sha256 values of each volume and the
// sha256 of every file inside. Reports each problem with the archive, volume and file it concerns.
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { PrivateKey } from 'openpgp';
import { Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { extract } from 'tar-stream';
import { authenticateManifest, ManifestNotAuthentic } from '../archive/authenticated-manifest';
import { ByteLimitExceeded, createByteLimit } from '../pipeline/byte-limit';
import { DecryptionKeyMismatch, decryptStream } from '../pipeline/openpgp-decrypt';
import { assertSafeTarEntry, UnsafeTarEntry } from '../pipeline/safe-tar-entry';
import type { ArchiveManifest } from '../pipeline/manifest';
import { Sha256PassThrough } from '../pipeline/sha256-pass-through';
import { checkManifestEvidence, type ManifestEvidenceDeps } from './check-manifest-evidence';

export interface VerifyProblem {
  archiveId: string;
  volume?: number;
  file?: string;
  problem: string;
}

export interface VerifyReport {
  archiveId: string;
  ok: boolean;
  signer?: string;
  /** genTime of the archive's RFC 3161 time-stamp token, when there is one. */
  timestampGenTime?: string;
  /** Why the archive has no checked time evidence, when that is not a problem. */
  timeEvidence?: string;
  /** A warning (exit code 7): sealed while the time-stamp authorities were unreachable (src/evidence). */
  lateStamp?: string;
  volumesChecked: number;
  filesChecked: number;
  plaintextBytes: number;
  problems: VerifyProblem[];
}

export interface VerifyDeps extends ManifestEvidenceDeps {
  decryptionKeys: PrivateKey[];
}

export async function verifyArchive(deps: VerifyDeps, archiveId: string): Promise<VerifyReport> {
  const report: VerifyReport = {
    archiveId,
    ok: false,
    volumesChecked: 0,
    filesChecked: 0,
    plaintextBytes: 0,
    problems: [],
  };
  let authentic;
  try {
    authentic = await authenticateManifest(deps, archiveId);
  } catch (err) {
    if (!(err instanceof ManifestNotAuthentic)) throw err;
    // Nothing in an unauthenticated manifest can be trusted: no volume is looked at.
    report.problems.push({ archiveId, problem: `manifest is not authentic: ${err.message}` });
    return report;
  }
  report.signer = authentic.signer;
  const evidence = await checkManifestEvidence(deps, authentic);
  report.timestampGenTime = evidence.timestampGenTime;
  report.timeEvidence = evidence.timeEvidence;
  if (evidence.lateStamp) report.lateStamp = evidence.lateStamp;
  report.problems.push(...evidence.problems);
  for (const volume of authentic.manifest.volumes) {
    const result = await checkVolume(deps, volume);
    report.problems.push(...result.problems.map((p) => ({ archiveId, ...p })));
    report.filesChecked += result.files;
    if (!result.readable) continue;
    report.volumesChecked += 1;
    report.plaintextBytes += result.plaintextBytes;
  }
  report.ok = report.problems.length === 0;
  return report;
}

const UNREADABLE = 'volume cannot be read or decrypted';

/** Receives each file of a volume as it is unpacked; must consume the stream. */
export type EntrySink = (path: string, content: Readable) => Promise<void>;

// Only the hash on the way matters.
const drain: EntrySink = (_path, content) => finished(content.resume());

export interface VolumeCheck {
  problems: Omit<VerifyProblem, 'archiveId'>[];
  files: number;
  plaintextBytes: number;
  /** False when the volume could not be read, decrypted or unpacked to its end: it was not checked. */
  readable: boolean;
}

/**
 * One volume against its authenticated manifest entry (the check the CLI, the verify workflow, restore and the
 * drill share). Stream one volume from S3 through sha256 → OpenPGP decryption → sha256 → tar extraction, handing each file
 * to `sink` through a sha256 stage, and report every difference from the manifest. Problems found at the end
 * (MDC, digests) mean whatever the sink received must be discarded.
 */
export async function checkVolume(
  deps: Pick<VerifyDeps, 's3' | 'bucket' | 'decryptionKeys'>,
  volume: ArchiveManifest['volumes'][number],
  sink: EntrySink = drain,
): Promise<VolumeCheck> {
  const problems: Omit<VerifyProblem, 'archiveId'>[] = [];
  const problem = (p: Omit<VerifyProblem, 'archiveId'>): void => void problems.push(p);
  const expected = new Map(volume.files.map((f) => [f.path, f]));
  const seen = new Set<string>();
  const ciphertext = new Sha256PassThrough();
  const plaintext = new Sha256PassThrough();
  const unpack = extract();
  unpack.on('entry', (header, stream, next) => {
    // A broken volume fails the whole pipeline below; the entry's own error needs no second report.
    stream.on('error', () => undefined);
    try {
      // Before the sink sees the entry: a link, a device or a path out of the folder is never written.
      assertSafeTarEntry(header);
    } catch (err) {
      stream.resume();
      next(err as Error);
      return;
    }
    const want = expected.get(header.name);
    if (!want || header.size !== want.size) {
      // Never handed to the sink: a file the manifest does not list, or of another size, is not written anywhere.
      seen.add(header.name);
      problem({
        volume: volume.index,
        file: header.name,
        problem: want
          ? `file is ${header.size ?? 0} bytes, not the ${want.size} of its manifest entry`
          : 'file is not in the manifest',
      });
      stream.on('end', () => next());
      stream.resume();
      return;
    }
    const hashed = new Sha256PassThrough();
    const source = Readable.from(stream as AsyncIterable<Buffer>);
    source.on('error', (err) => hashed.destroy(err));
    const content = source.pipe(hashed);
    sink(header.name, content).then(
      () => {
        seen.add(header.name);
        if (want.size !== hashed.bytes || want.sha256 !== hashed.digestHex()) {
          problem({
            volume: volume.index,
            file: header.name,
            problem: 'file content does not match its manifest sha256',
          });
        }
        next();
      },
      (err: unknown) => next(err as Error),
    );
  });
  let source: Readable | undefined;
  try {
    const got = await deps.s3.send(new GetObjectCommand({ Bucket: deps.bucket, Key: volume.key }));
    source = got.Body as Readable;
    // pipe() forwards no error: a connection reset after a refused decryption must not go unheard (a crash).
    source.on('error', (err) => ciphertext.destroy(err));
    if (got.ContentLength !== undefined && got.ContentLength !== volume.ciphertextBytes) {
      problem({
        volume: volume.index,
        problem: `${UNREADABLE}: it is ${got.ContentLength} bytes, not the ${volume.ciphertextBytes} of its manifest entry (not decrypted)`,
      });
      return { problems, files: 0, plaintextBytes: 0, readable: false };
    }
    const decrypted = await decryptStream(source.pipe(ciphertext), deps.decryptionKeys);
    // Capped at the manifest's size: a longer plaintext fails as it passes it, before the digest at the end.
    const capped = createByteLimit(volume.plaintextBytes, 'decrypted tar');
    await pipeline(decrypted, capped, plaintext, unpack);
  } catch (err) {
    if (err instanceof ByteLimitExceeded) {
      problem({
        volume: volume.index,
        problem: `decrypted tar is longer than the ${err.limit} bytes of its manifest entry: unpacking stopped there`,
      });
    } else if (err instanceof DecryptionKeyMismatch) {
      problem({
        volume: volume.index,
        problem: `cannot be decrypted with SNAPSEAL_DECRYPTION_KEY_FILE: the volume is ${err.message}; give the private key of a recipient (SNAPSEAL_RECIPIENT_KEY_FILES at the time of sealing)`,
      });
    } else if (err instanceof UnsafeTarEntry) {
      problem({
        volume: volume.index,
        file: err.entry,
        problem: `unsafe volume: ${err.message}; unpacking stopped there`,
      });
    } else problem({ volume: volume.index, problem: `${UNREADABLE}: ${(err as Error).message}` });
    return { problems, files: seen.size, plaintextBytes: plaintext.bytes, readable: false };
  } finally {
    source?.destroy(); // ended already after a full read; else the connection is released now
  }
  if (ciphertext.digestHex() !== volume.ciphertextSha256 || ciphertext.bytes !== volume.ciphertextBytes) {
    problem({ volume: volume.index, problem: 'encrypted volume does not match its manifest sha256' });
  }
  if (plaintext.digestHex() !== volume.plaintextSha256 || plaintext.bytes !== volume.plaintextBytes) {
    problem({ volume: volume.index, problem: 'decrypted tar does not match its manifest sha256' });
  }
  for (const path of expected.keys()) {
    if (!seen.has(path))
      problem({
        volume: volume.index,
        file: path,
        problem: 'file listed in the manifest is missing from the volume',
      });
  }
  return { problems, files: seen.size, plaintextBytes: plaintext.bytes, readable: true };
}
