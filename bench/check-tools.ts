// The command-line tools the bench compares snapseal with; a missing one stops the bench before any work,
// naming the tool and how to install it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { BenchPart } from './bench-options';

interface Tool {
  command: string;
  versionArgs: string[];
  aptPackage: string;
  neededBy: BenchPart[];
}

export const TIME_BINARY = '/usr/bin/time';

const TOOLS: Tool[] = [
  { command: 'rclone', versionArgs: ['version'], aptPackage: 'rclone', neededBy: ['shell', 'restic'] },
  { command: 'tar', versionArgs: ['--version'], aptPackage: 'tar', neededBy: ['shell'] },
  { command: 'sha256sum', versionArgs: ['--version'], aptPackage: 'coreutils', neededBy: ['shell'] },
  { command: 'gpg', versionArgs: ['--version'], aptPackage: 'gnupg', neededBy: ['shell'] },
  { command: 'restic', versionArgs: ['version'], aptPackage: 'restic', neededBy: ['restic'] },
  {
    command: TIME_BINARY,
    versionArgs: ['--version'],
    aptPackage: 'time',
    neededBy: ['read', 'shell', 'restic'],
  },
];

function firstLine(command: string, args: string[]): string | undefined {
  const run = spawnSync(command, args, { encoding: 'utf8' });
  if (run.error) return undefined;
  return `${run.stdout}${run.stderr}`
    .split('\n')
    .find((l) => l.trim() !== '')
    ?.trim();
}

/** Versions of the tools the selected parts need; throws one message listing every missing tool. */
export function checkTools(parts: BenchPart[]): Record<string, string> {
  const versions: Record<string, string> = {};
  const missing: Tool[] = [];
  for (const tool of TOOLS) {
    if (!tool.neededBy.some((p) => parts.includes(p))) continue;
    const found = tool.command.startsWith('/') ? existsSync(tool.command) : true;
    let version = found ? firstLine(tool.command, tool.versionArgs) : undefined;
    if (version?.includes('UNKNOWN')) {
      // Debian's GNU time prints no version of its own; the package's is the next best thing.
      const pkg = firstLine('dpkg-query', ['-W', '-f=${Version}', tool.aptPackage]);
      if (pkg) version = version.replace('UNKNOWN', pkg);
    }
    if (version === undefined) missing.push(tool);
    else versions[tool.command.replace(/^.*\//, '')] = version;
  }
  if (missing.length > 0) {
    const list = missing.map((t) => `${t.command} (Debian package ${t.aptPackage})`).join(', ');
    const packages = [...new Set(missing.map((t) => t.aptPackage))].join(' ');
    throw new Error(
      `The bench needs tools that are not installed: ${list}. Install them with 'apt-get install -y ${packages}' ` +
        `(scripts/bench.sh does so when run as root), or leave the comparison out with --only.`,
    );
  }
  return versions;
}
