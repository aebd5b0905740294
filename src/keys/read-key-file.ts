// Reads a key file named by a setting, with an error that names the setting and the reason (never the content).
import { readFile } from 'node:fs/promises';
import { KeyError } from '../pipeline/openpgp-keys';

export async function readKeyFile(path: string, setting: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
    throw new KeyError(`${setting}: cannot read key file ${path} (${why})`);
  }
}
