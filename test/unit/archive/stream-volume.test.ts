// streamVolume composes the stages against an in-memory S3 (this module's only collaborator): a volume comes
// out decryptable with the recorded digests, and a source that fails mid-volume fails the call with the cause,
// aborts the upload, and never escapes as an unhandled stream error (which would kill a worker process).
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { streamVolume } from '../../../src/archive/stream-volume';
import { StagingBucket } from '../../../src/buckets/buckets';
import { TarSourceError } from '../../../src/pipeline/deterministic-tar';
import { decryptStream } from '../../../src/pipeline/openpgp-decrypt';
import {
  generateDemoKeys,
  readDecryptionKey,
  readRecipientKeys,
  type GeneratedKeyPair,
} from '../../../src/pipeline/openpgp-keys';
import { bytesOf, collect, sha256 } from '../pipeline/streams';

interface FakeS3 {
  client: S3Client;
  puts: Map<string, Buffer>;
}

/**
 * GetObject serves `blobs` (or fails for keys in `failing`), answering with the version `versions` names;
 * PutObject stores what it reads.
 */
function fakeS3(
  blobs: Map<string, Buffer>,
  failing = new Set<string>(),
  versions = new Map<string, string>(),
): FakeS3 {
  const puts = new Map<string, Buffer>();
  const send = async (command: unknown): Promise<unknown> => {
    if (command instanceof GetObjectCommand) {
      const key = command.input.Key!;
      if (failing.has(key))
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9000'), { code: 'ECONNREFUSED' });
      return { Body: Readable.from([blobs.get(key)!]), VersionId: versions.get(key) };
    }
    if (command instanceof PutObjectCommand) {
      const body = command.input.Body;
      puts.set(
        command.input.Key!,
        body instanceof Uint8Array ? Buffer.from(body) : await collect(body as Readable),
      );
      return {};
    }
    throw new Error(`unexpected command ${(command as object).constructor.name}`);
  };
  // A real client (its config is read by lib-storage) whose requests never leave the process.
  const client = new S3Client({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9',
    forcePathStyle: true,
    credentials: { accessKeyId: 'unit', secretAccessKey: 'unit' },
  });
  jest.spyOn(client, 'send').mockImplementation(send as never);
  return { client, puts };
}

describe('streamVolume', () => {
  let team: GeneratedKeyPair;
  const blobs = new Map([
    ['repo/a', bytesOf(70_000, 1)],
    ['repo/b', bytesOf(5_000, 2)],
  ]);
  const entries = [
    { key: 'a', size: 70_000 },
    { key: 'b', size: 5_000 },
  ];
  const destination = {
    bucket: 'archive',
    key: 'x/volume-0001.tar.gpg',
    partSizeBytes: 5 * 1024 * 1024,
    queueSize: 1,
  };

  beforeAll(async () => {
    team = await generateDemoKeys({ name: 'Team', email: 'team@example.invalid' });
  });

  /** Volume 1 of `planned`, from the staging folder `repo` to `destination`, for the team's key. */
  const streamTo = async (s3: FakeS3, planned: typeof entries = entries) =>
    streamVolume({
      s3: s3.client,
      source: { staging: new StagingBucket(s3.client, 'staging', ''), basePath: 'repo' },
      destination,
      index: 1,
      entries: planned,
      recipients: await readRecipientKeys([team.publicKey]),
    });

  it('uploads one encrypted tar whose digests match what was written', async () => {
    const s3 = fakeS3(blobs);
    const record = await streamTo(s3);
    const uploaded = s3.puts.get(destination.key)!;
    expect(record.ciphertextBytes).toBe(uploaded.length);
    expect(record.ciphertextSha256).toBe(sha256(uploaded));
    const tar = await collect(
      await decryptStream(Readable.from([uploaded]), [await readDecryptionKey(team.privateKey)]),
    );
    expect(record.plaintextSha256).toBe(sha256(tar));
    expect(record.files.map((f) => [f.path, f.sha256])).toEqual([
      ['a', sha256(blobs.get('repo/a')!)],
      ['b', sha256(blobs.get('repo/b')!)],
    ]);
  });

  it('reads the version the plan names, and refuses a blob answered with another version', async () => {
    const versions = new Map([
      ['repo/a', 'v-a'],
      ['repo/b', 'v-b2'],
    ]);
    const planned = [
      { key: 'a', size: 70_000, etag: '"e-a"', versionId: 'v-a' },
      { key: 'b', size: 5_000, etag: '"e-b"', versionId: 'v-b1' },
    ];
    const s3 = fakeS3(blobs, new Set(), versions);
    const attempt = streamTo(s3, planned);
    await expect(attempt).rejects.toThrow(TarSourceError);
    await expect(attempt).rejects.toThrow(
      /Opening b failed: s3:\/\/staging\/repo\/b: its current version is v-b2, not v-b1 as the volume plan named it/,
    );
    expect(s3.puts.size).toBe(0);
    versions.set('repo/b', 'v-b1');
    const record = await streamTo(fakeS3(blobs, new Set(), versions), planned);
    expect(record.files.map((f) => f.path)).toEqual(['a', 'b']);
  });

  it('fails with the source error, uploads nothing, and raises no unhandled stream error', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown): void => void uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const s3 = fakeS3(blobs, new Set(['repo/b']));
      const attempt = streamTo(s3);
      await expect(attempt).rejects.toThrow(TarSourceError);
      await expect(attempt).rejects.toThrow(/Opening b failed: connect ECONNREFUSED/);
      await new Promise((r) => setTimeout(r, 50)); // let any stray 'error' event fire
      expect(uncaught).toEqual([]);
      expect(s3.puts.size).toBe(0);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
