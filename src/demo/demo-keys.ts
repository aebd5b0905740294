// Throwaway key files (a recipient and an archiver, no passphrase) generated with openpgp.js into a directory,
// once: the tests' own keys, and the bench's (in .stack/demo-keys, where scripts/stack.sh makes the local stack's
// demo keys with GnuPG first: existing files are used as they are).
import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateDemoKeys } from '../pipeline/openpgp-keys';

export interface DemoKeyFiles {
  recipientPublic: string;
  recipientPrivate: string;
  archiverPublic: string;
  archiverPrivate: string;
}

export async function ensureDemoKeys(dir: string): Promise<DemoKeyFiles> {
  const files: DemoKeyFiles = {
    recipientPublic: join(dir, 'security-team.pub.asc'),
    recipientPrivate: join(dir, 'security-team.sec.asc'),
    archiverPublic: join(dir, 'archiver.pub.asc'),
    archiverPrivate: join(dir, 'archiver.sec.asc'),
  };
  if (Object.values(files).every((f) => existsSync(f))) return files;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const recipient = await generateDemoKeys({
    name: 'Demo Security Team',
    email: 'security-team@snapseal.invalid',
  });
  const archiver = await generateDemoKeys({ name: 'Demo Archiver', email: 'archiver@snapseal.invalid' });
  await writeFile(files.recipientPublic, recipient.publicKey);
  await writeFile(files.recipientPrivate, recipient.privateKey, { mode: 0o600 });
  await writeFile(files.archiverPublic, archiver.publicKey);
  await writeFile(files.archiverPrivate, archiver.privateKey, { mode: 0o600 });
  await chmod(dir, 0o700);
  return files;
}
