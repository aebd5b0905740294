// The example alert rules parse, name only metrics the worker exports, and pass promtool: the rule syntax
// check and the rule unit test that makes the 26 h staleness alert fire (scripts/bootstrap-tests.sh installs promtool).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { createSnapsealMetrics } from '../../../src/metrics/snapseal-metrics';

const run = promisify(execFile);
const dir = join(__dirname, '..', '..', '..', 'deploy', 'prometheus');

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: string };
  annotations: { summary: string; description: string };
}

describe('deploy/prometheus/snapseal-alerts.yml', () => {
  let rules: Rule[];
  beforeAll(async () => {
    const doc = parse(await readFile(join(dir, 'snapseal-alerts.yml'), 'utf8')) as {
      groups: { rules: Rule[] }[];
    };
    rules = doc.groups.flatMap((g) => g.rules);
  });

  it('alerts when no archive was sealed in 26 hours', () => {
    const stale = rules.find((r) => r.alert === 'SnapsealNoArchiveSealedIn26h');
    expect(stale?.expr).toContain('snapseal_newest_archive_timestamp_seconds');
    expect(stale?.expr).toContain('26 * 3600');
    for (const r of rules) expect(r.annotations.summary.length).toBeGreaterThan(10);
  });

  it('uses only metrics a snapseal worker exports', async () => {
    const exported = new Set((await createSnapsealMetrics().registry.getMetricsAsJSON()).map((m) => m.name));
    const used = rules.flatMap((r) => r.expr.match(/snapseal_[a-z_]+/g) ?? []);
    expect(used.length).toBeGreaterThanOrEqual(rules.length);
    for (const name of used) expect(exported).toContain(name);
  });

  it('passes promtool check rules and its rule unit test', async () => {
    const check = await run('promtool', ['check', 'rules', 'snapseal-alerts.yml'], { cwd: dir });
    expect(check.stdout).toContain(`SUCCESS: ${rules.length} rules found`);
    const test = await run('promtool', ['test', 'rules', 'snapseal-alerts.test.yml'], { cwd: dir });
    expect(test.stdout).toContain('SUCCESS');
  });
});
