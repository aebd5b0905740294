// What a tar entry may be when snapseal unpacks a volume: a regular file with a safe relative name. Volumes
// hold only the snapshot repository's files; anything else (links, devices, absolute or `..` paths) is refused
// before a byte of it is written anywhere.

export class UnsafeTarEntry extends Error {
  override name = 'UnsafeTarEntry';
  constructor(
    readonly entry: string,
    reason: string,
  ) {
    super(
      `tar entry ${JSON.stringify(entry)} ${reason}; snapseal volumes hold only regular files with relative names`,
    );
  }
}

/** The header fields that decide (as tar-stream reports them). */
export interface TarEntryHeader {
  name: string;
  type?: string | null;
}

/** Throws UnsafeTarEntry unless the entry is a regular file whose name stays inside the unpack folder. */
export function assertSafeTarEntry(header: TarEntryHeader): void {
  const { name } = header;
  const type = header.type ?? 'file';
  if (type !== 'file') throw new UnsafeTarEntry(name, `is a ${type}, not a regular file`);
  if (name === '') throw new UnsafeTarEntry(name, 'has an empty name');
  // Control characters (NUL included) end or bend names in the tools that read them.
  if ([...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))
    throw new UnsafeTarEntry(name, 'has a control character in its name');
  if (name.includes('\\')) throw new UnsafeTarEntry(name, 'has a backslash in its name');
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) throw new UnsafeTarEntry(name, 'has an absolute path');
  const segments = name.split('/');
  if (segments.some((s) => s === '..')) throw new UnsafeTarEntry(name, 'climbs out of its folder (..)');
  if (segments.some((s) => s === '' || s === '.'))
    throw new UnsafeTarEntry(name, 'has an empty or "." path segment');
}
