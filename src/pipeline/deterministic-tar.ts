// Writes a tar stream from an ordered list of sources with deterministic headers (fixed mtime, uid/gid 0,
// mode 0644, no user names), so the same files always give the same bytes and the same sha256. Each source
// is opened only when its turn comes, hashed on the way in, and checked against its declared size.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pack as createPack } from 'tar-stream';
import { fitsUstar, TarPathError } from './tar-layout';

/** Every entry carries this mtime: 2000-01-01T00:00:00Z. */
export const TAR_MTIME = new Date(Date.UTC(2000, 0, 1));

export interface TarSource {
  path: string;
  size: number;
  open: () => Promise<Readable>;
}

export interface TarFileRecord {
  path: string;
  size: number;
  sha256: string;
}

export interface DeterministicTar {
  /** The tar bytes. Destroyed with the cause if any source fails. */
  stream: Readable;
  /** Every file's path, size and sha256, in tar order; resolves when the last entry is written. */
  files: Promise<TarFileRecord[]>;
}

export class TarSourceError extends Error {
  override name = 'TarSourceError';
}

function assertOrdered(sources: TarSource[]): void {
  for (let i = 0; i < sources.length; i++) {
    const { path } = sources[i]!;
    if (!fitsUstar(path)) throw new TarPathError(`Path does not fit a ustar header: ${path}`);
    if (i > 0 && !(sources[i - 1]!.path < path)) {
      throw new TarSourceError(
        `Tar entries must be sorted and unique: "${sources[i - 1]!.path}" comes before "${path}"`,
      );
    }
  }
}

export function createDeterministicTar(
  sources: TarSource[],
  options: {
    onFile?: (file: TarFileRecord) => void;
    /** false: leave `sha256` empty, for a caller that hashes the tar's bytes elsewhere (on another thread). */
    hashFiles?: boolean;
  } = {},
): DeterministicTar {
  assertOrdered(sources);
  const pack = createPack();
  pack.on('error', () => undefined); // reported through `stream` and `files` instead
  const stream = Readable.from(pack as AsyncIterable<Buffer>, { objectMode: false });

  const files = (async (): Promise<TarFileRecord[]> => {
    const records: TarFileRecord[] = [];
    for (const source of sources) {
      const record = await writeEntry(pack, source, options.hashFiles ?? true);
      records.push(record);
      options.onFile?.(record);
    }
    pack.finalize();
    return records;
  })();
  files.catch((err: unknown) => {
    pack.destroy(err as Error);
    stream.destroy(err as Error);
  });
  // Closing the output early (a failed upload) stops the producer too.
  stream.once('close', () => {
    if (!stream.readableEnded) pack.destroy(new Error('tar output closed before the end'));
  });
  return { stream, files };
}

async function writeEntry(
  pack: ReturnType<typeof createPack>,
  source: TarSource,
  hashFile: boolean,
): Promise<TarFileRecord> {
  const hash = hashFile ? createHash('sha256') : undefined;
  let written = 0;
  let settle!: (err?: Error | null) => void;
  // tar-stream calls back once the entry's data and padding are in the pack (or the entry failed).
  const entryDone = new Promise<void>(
    (resolve, reject) => (settle = (err) => (err ? reject(err) : resolve())),
  );
  const entry = pack.entry(
    {
      name: source.path,
      size: source.size,
      mtime: TAR_MTIME,
      mode: 0o644,
      uid: 0,
      gid: 0,
      uname: '',
      gname: '',
      type: 'file',
    },
    (err) => settle(err),
  );
  entryDone.catch(() => undefined); // awaited below on success; on failure the caller's error wins
  entry.on('error', () => undefined); // reported through the thrown TarSourceError instead
  const drained = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => {
        entry.off('drain', onDrain);
        reject(err);
      };
      const onDrain = (): void => {
        entry.off('error', onError);
        resolve();
      };
      entry.once('drain', onDrain);
      entry.once('error', onError);
    });
  let input: Readable;
  try {
    input = await source.open();
  } catch (err) {
    entry.destroy(err as Error);
    throw new TarSourceError(`Opening ${source.path} failed: ${(err as Error).message}`, { cause: err });
  }
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      written += chunk.length;
      if (written > source.size) {
        throw new TarSourceError(`${source.path} is longer than its listed size ${source.size} bytes`);
      }
      hash?.update(chunk);
      if (!entry.write(chunk)) await drained();
    }
  } catch (err) {
    entry.destroy(err as Error);
    throw err instanceof TarSourceError
      ? err
      : new TarSourceError(`Reading ${source.path} failed: ${(err as Error).message}`, { cause: err });
  } finally {
    input.destroy();
  }
  if (written !== source.size) {
    const err = new TarSourceError(
      `${source.path} ended after ${written} of its listed ${source.size} bytes`,
    );
    entry.destroy(err);
    throw err;
  }
  (entry as unknown as { end(): void }).end();
  await entryDone;
  return { path: source.path, size: written, sha256: hash?.digest('hex') ?? '' };
}
