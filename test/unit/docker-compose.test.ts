// docker-compose.yml cannot run here (no Docker engine); this keeps it consistent with the native stack.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SETTINGS } from '../../src/config';

const root = join(__dirname, '..', '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<
    string,
    { ports?: string[]; command?: string[] | string; environment?: Record<string, string> }
  >;
};
const stackScript = readFileSync(join(root, 'scripts', 'stack.sh'), 'utf8');

function stackDefault(variable: string): string {
  const m = new RegExp(`\\$\\{${variable}:-(\\d+)\\}`).exec(stackScript);
  if (!m?.[1]) throw new Error(`scripts/stack.sh has no default for ${variable}`);
  return m[1];
}

describe('docker-compose.yml', () => {
  it('offers the services of the native stack', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'minio',
      'opensearch',
      'sealer',
      'temporal',
      'worker',
    ]);
  });

  it.each([
    ['temporal', 'SNAPSEAL_STACK_TEMPORAL_PORT'],
    ['temporal', 'SNAPSEAL_STACK_TEMPORAL_UI_PORT'],
    ['minio', 'SNAPSEAL_STACK_MINIO_PORT'],
    ['minio', 'SNAPSEAL_STACK_MINIO_CONSOLE_PORT'],
    ['opensearch', 'SNAPSEAL_STACK_OPENSEARCH_PORT'],
  ])('publishes %s on the native port of %s, on 127.0.0.1 only', (service, variable) => {
    const port = stackDefault(variable);
    expect(compose.services[service]?.ports).toContain(`127.0.0.1:${port}:${port}`);
  });

  it('publishes no port beyond loopback', () => {
    const ports = Object.values(compose.services).flatMap((s) => s.ports ?? []);
    expect(ports.length).toBeGreaterThan(0);
    for (const port of ports) expect(port).toMatch(/^127\.0\.0\.1:/);
  });

  it('registers the same Temporal search attributes as the native stack', () => {
    const native = [...stackScript.matchAll(/^\s+(Snapseal\w+=\w+)$/gm)].map((m) => m[1]).sort();
    const command = compose.services.temporal?.command as string[];
    const composed = command
      .filter((arg) => arg.startsWith('--search-attribute='))
      .map((arg) => arg.slice('--search-attribute='.length))
      .sort();
    expect(native.length).toBeGreaterThan(0);
    expect(composed).toEqual(native);
  });

  it('configures the workers only with settings snapseal knows', () => {
    for (const service of ['worker', 'sealer']) {
      const names = Object.keys(compose.services[service]?.environment ?? {});
      expect(names.length).toBeGreaterThan(3);
      for (const name of names) expect(Object.keys(SETTINGS)).toContain(name);
    }
  });

  it('gives the signing key to the sealer only, and no worker a decryption key', () => {
    const env = (service: string) => compose.services[service]?.environment ?? {};
    expect(env('worker').SNAPSEAL_WORKER_ROLES).toBe('archive,stream');
    expect(env('worker').SNAPSEAL_SIGNING_KEY_FILE).toBeUndefined();
    expect(env('sealer').SNAPSEAL_WORKER_ROLES).toBe('seal');
    expect(env('sealer').SNAPSEAL_SIGNING_KEY_FILE).toBe('/keys/archiver.sec.asc');
    for (const service of ['worker', 'sealer'])
      expect(env(service).SNAPSEAL_DECRYPTION_KEY_FILE).toBeUndefined();
  });
});
