// The exact byte layout of the tar files snapseal writes: 512-byte ustar headers, data padded to 512 bytes,
// 1024 zero bytes at the end. Volume planning and the tar writer share these numbers.

export const TAR_BLOCK = 512;
export const TAR_END = 1024;

export class TarPathError extends Error {
  override name = 'TarPathError';
}

/**
 * Whether a path fits a plain ustar header as tar-stream writes it: ASCII only, split at its first slashes
 * into a prefix (≤ 155 bytes) and a name (≤ 100 bytes). Other paths would need a PAX header.
 */
export function fitsUstar(path: string): boolean {
  if (Buffer.byteLength(path) !== path.length) return false;
  let name = path;
  let prefix = '';
  while (name.length > 100) {
    const i = name.indexOf('/');
    if (i === -1) return false;
    prefix += prefix ? `/${name.slice(0, i)}` : name.slice(0, i);
    name = name.slice(i + 1);
  }
  return prefix.length <= 155;
}

/** Bytes one file takes in the tar: its header plus its data padded to a whole block. */
export function tarEntryBytes(path: string, size: number): number {
  if (!fitsUstar(path)) throw new TarPathError(`Path too long for a ustar header: ${path}`);
  return TAR_BLOCK + Math.ceil(size / TAR_BLOCK) * TAR_BLOCK;
}
