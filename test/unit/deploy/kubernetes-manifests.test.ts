// deploy/kubernetes validates against the Kubernetes 1.31 API with kubeconform (strict: unknown fields are
// errors), using schemas made offline from the API's swagger.json, and holds snapseal's own rules: grace
// period, key placement, non-root read-only pods, the worker roles and the metrics port.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { writeKubernetesSchemas } from './kubernetes-json-schemas';

const run = promisify(execFile);
const dir = join(__dirname, '..', '..', '..', 'deploy', 'kubernetes');
// Built and fetched by scripts/bootstrap-tests.sh (kubeconform from the Go module proxy, swagger.json from the
// k8s.io/kubernetes module): versions must match it.
const cache =
  process.env.SNAPSEAL_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'snapseal');
const kubeconform = join(cache, 'kubeconform-v0.7.0', 'kubeconform');
const swagger = join(cache, 'kubernetes-v1.31.4', 'swagger.json');

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are read as plain parsed YAML */
type Manifest = any;

interface KubeconformReport {
  resources: { filename: string; kind: string; name: string; status: string; msg: string }[];
  summary: { valid: number; invalid: number; errors: number; skipped: number };
}

describe('deploy/kubernetes manifests', () => {
  let schemas: string;
  let files: string[];
  let manifests: Record<string, Manifest>;
  beforeAll(async () => {
    schemas = await mkdtemp(join(tmpdir(), 'snapseal-k8s-schemas-'));
    await writeKubernetesSchemas(swagger, schemas, ['Deployment', 'ConfigMap', 'CronJob']);
    files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
    manifests = Object.fromEntries(
      await Promise.all(files.map(async (f) => [f, parse(await readFile(join(dir, f), 'utf8'))] as const)),
    );
  });
  afterAll(async () => rm(schemas, { recursive: true, force: true }));

  const validate = async (paths: string[]): Promise<KubeconformReport> => {
    const args = [
      '-strict',
      '-summary',
      '-output',
      'json',
      '-schema-location',
      `${schemas}/{{.ResourceKind}}{{.KindSuffix}}.json`,
      ...paths,
    ];
    // kubeconform exits 1 when a resource is invalid; the JSON report says which.
    const out = await run(kubeconform, args).catch((err: { stdout?: string }) => ({
      stdout: err.stdout ?? '',
    }));
    return JSON.parse(out.stdout) as KubeconformReport;
  };

  it('are valid Kubernetes 1.31 objects (kubeconform, strict)', async () => {
    const report = await validate(files.map((f) => join(dir, f)));
    expect(report.resources.filter((r) => r.status !== 'statusValid')).toEqual([]);
    expect(report.summary).toEqual({ valid: files.length, invalid: 0, errors: 0, skipped: 0 });
  });

  it('would catch a misspelt field or a wrong type (the schemas are not permissive)', async () => {
    const broken = await mkdtemp(join(tmpdir(), 'snapseal-k8s-broken-'));
    try {
      const worker = structuredClone(manifests['worker-deployment.yaml']);
      worker.spec.replica = 2;
      const sealer = structuredClone(manifests['sealing-worker-deployment.yaml']);
      sealer.spec.template.spec.terminationGracePeriodSeconds = 'ninety';
      await writeFile(join(broken, 'a.yaml'), JSON.stringify(worker));
      await writeFile(join(broken, 'b.yaml'), JSON.stringify(sealer));
      const report = await validate([join(broken, 'a.yaml'), join(broken, 'b.yaml')]);
      expect(report.summary.invalid).toBe(2);
      expect(report.resources.map((r) => r.msg).join('\n')).toMatch(/replica/);
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });

  const deployments = () =>
    Object.values(manifests).filter((m: Manifest) => m.kind === 'Deployment') as Manifest[];
  const env = (d: Manifest): Record<string, string> =>
    Object.fromEntries(
      d.spec.template.spec.containers[0].env.map((e: Manifest) => [e.name, e.value ?? '(from secret)']),
    );
  const mountedKeys = (d: Manifest): string[] =>
    d.spec.template.spec.volumes
      .find((v: Manifest) => v.name === 'keys')
      .secret.items.map((i: Manifest) => i.path);

  it('give workers a grace period longer than the heartbeat timeout plus the shutdown grace', () => {
    const config = manifests['configmap.yaml'].data;
    const grace = Number(config.SNAPSEAL_WORKER_SHUTDOWN_GRACE_SECONDS);
    const HEARTBEAT_TIMEOUT_SECONDS = 30;
    expect(deployments()).toHaveLength(3);
    for (const d of deployments()) {
      expect(d.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(
        HEARTBEAT_TIMEOUT_SECONDS + grace,
      );
    }
  });

  it('run one worker role per Deployment; only the sealer has the signing key, only the restorer a private key', () => {
    const byRole = Object.fromEntries(deployments().map((d) => [env(d).SNAPSEAL_WORKER_ROLES, d]));
    expect(Object.keys(byRole).sort()).toEqual(['restore', 'seal', 'stream']);
    expect(byRole.seal.spec.replicas).toBe(1);
    expect(byRole.seal.spec.strategy).toEqual({ type: 'Recreate' });
    for (const [role, d] of Object.entries(byRole)) {
      const privateKeys = mountedKeys(d).filter((k) => k.endsWith('.sec.asc'));
      expect(privateKeys).toEqual(
        role === 'seal' ? ['archiver.sec.asc'] : role === 'restore' ? ['recipient.sec.asc'] : [],
      );
    }
    expect(env(byRole.seal).SNAPSEAL_SIGNING_KEY_FILE).toBe('/keys/archiver.sec.asc');
    expect(env(byRole.restore).SNAPSEAL_DECRYPTION_KEY_FILE).toBe('/keys/recipient.sec.asc');
  });

  it('run non-root with a read-only root filesystem, sized from the bench, serving the configured metrics port', () => {
    const config = manifests['configmap.yaml'].data;
    const pods = [
      ...deployments().map((d) => d.spec.template.spec),
      manifests['status-cronjob.yaml'].spec.jobTemplate.spec.template.spec,
    ];
    for (const pod of pods) {
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(pod.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    }
    for (const d of deployments()) {
      const container = d.spec.template.spec.containers[0];
      expect(container.resources.limits).toEqual({
        cpu: expect.any(String),
        memory: expect.stringMatching(/^\d+Mi$/),
      });
      expect(container.ports).toEqual([
        expect.objectContaining({ containerPort: Number(config.SNAPSEAL_METRICS_PORT) }),
      ]);
      expect(d.spec.template.metadata.annotations['prometheus.io/port']).toBe(config.SNAPSEAL_METRICS_PORT);
    }
    expect(config.SNAPSEAL_METRICS_HOST).toBe('0.0.0.0');
  });

  it('give the streaming worker one slot per core of its CPU limit and the memory its slots need', () => {
    const deployment = manifests['worker-deployment.yaml'];
    const worker = deployment.spec.template.spec.containers[0];
    const slots = Number(env(deployment).SNAPSEAL_STREAM_SLOTS);
    expect(slots).toBeGreaterThan(0);
    expect(Number(worker.resources.limits.cpu)).toBe(slots);
    // README "Performance notes": a stream-only worker is about 110 MiB plus about 50 MiB per stream.
    expect(parseInt(worker.resources.limits.memory, 10)).toBeGreaterThanOrEqual(110 + 50 * slots);
  });

  it('probe freshness with snapseal status in a CronJob that fails when stale', () => {
    const job = manifests['status-cronjob.yaml'];
    expect(job.spec.jobTemplate.spec.template.spec.containers[0].args).toEqual([
      'node',
      'bin/snapseal.js',
      'status',
      '--max-age-hours',
      '26',
    ]);
    expect(job.spec.jobTemplate.spec.backoffLimit).toBe(0);
  });
});
