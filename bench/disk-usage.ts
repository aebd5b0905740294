// Bytes a directory tree occupies on disk (allocated blocks, as du counts them).
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export async function diskUsageBytes(path: string): Promise<number> {
  const info = await lstat(path).catch(() => undefined);
  if (!info) return 0;
  let total = info.blocks * 512;
  if (info.isDirectory()) {
    for (const entry of await readdir(path)) total += await diskUsageBytes(join(path, entry));
  }
  return total;
}
