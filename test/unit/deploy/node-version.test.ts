// One Node.js of record: the version scripts/node.sh provides (demo, tests, CI, bench), the image's base and the
// type definitions agree, and package.json's engines admit it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const read = (file: string): string => readFileSync(join(root, file), 'utf8');

function match(text: string, pattern: RegExp, what: string): string {
  const found = pattern.exec(text)?.[1];
  if (!found) throw new Error(`${what} not found`);
  return found;
}

describe('Node.js version of record', () => {
  const nodeScript = read('scripts/node.sh');
  const wheelVersion = match(nodeScript, /^NODE_WHEEL_VERSION=(\d+\.\d+\.\d+)/m, 'NODE_WHEEL_VERSION');
  const major = Number(wheelVersion.split('.')[0]);
  const pkg = JSON.parse(read('package.json')) as {
    engines: { node: string };
    devDependencies: Record<string, string>;
  };

  it('is Node.js 24, the LTS, provided by scripts/node.sh where the machine has an older one', () => {
    expect(major).toBe(24);
    expect(Number(match(nodeScript, /^NODE_MIN_MAJOR=(\d+)/m, 'NODE_MIN_MAJOR'))).toBe(major);
  });

  it('is what the scripts run on: scripts/node.sh gives a node of that major version or newer', () => {
    const run = spawnSync('bash', [join(root, 'scripts', 'node.sh'), 'version'], { encoding: 'utf8' });
    expect(run.stderr).not.toMatch(/error/);
    expect(Number(match(run.stdout, /^v(\d+)\./, 'node.sh version'))).toBeGreaterThanOrEqual(major);
  });

  it('is the base of every stage of the image', () => {
    const bases = [...read('Dockerfile').matchAll(/^FROM node:(\d+)-/gm)].map((m) => Number(m[1]));
    expect(bases.length).toBeGreaterThan(0);
    expect(new Set(bases)).toEqual(new Set([major]));
  });

  it('matches the type definitions, and engines admit it (>= 22)', () => {
    expect(Number(pkg.devDependencies['@types/node']?.split('.')[0])).toBe(major);
    const minimum = Number(match(pkg.engines.node, /^>=(\d+)/, 'engines.node'));
    expect(minimum).toBeGreaterThanOrEqual(22);
    expect(minimum).toBeLessThanOrEqual(major);
  });
});
