// The README's by-hand verification script (the first ```bash block of "Verifying and restoring by hand"), as
// written, for tests that run it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function byHandScript(): Promise<string> {
  const readme = await readFile(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Verifying and restoring by hand'));
  const block = /```bash\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README.md has no bash block in the section on verifying by hand');
  return block;
}
