// The adversary suite (README: "Threat model"; test/adversary/README.md): a bucket writer without any key tampers
// with every read snapseal makes, one read per case, and no case may end MISSED. The reads are not listed by
// hand: a clean archive → verify → verify --chain → restore → drill sequence is recorded through the proxy and
// grouped into read sites; each site then gets each tamper kind that applies to it by rule.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { archiveIdFor, indicesForDate } from '../../src/archive/archive-date';
import { createSnapsealWorker } from '../../src/worker-factory';
import {
  createAdversaryStack,
  type AdversaryStack,
  type RecordedSite,
  type StepResult,
} from './adversary-stack';
import { knownMissed } from './known-missed';
import { siteName } from './read-sites';
import {
  judgeEvidence,
  runSequence,
  runStep,
  STEPS,
  type CaseOutcome,
  type SequenceTarget,
  type Step,
} from './sequence';
import { inapplicable, TAMPER_KINDS, type TamperKind } from './tampers';

/** Two other archives (the source of swapped objects) and the one every case is about. */
const DONOR_DATES = ['2026-09-01', '2026-09-02'];
const TARGET_DATE = '2026-09-03';
const DOCS = 300;
/** SNAPSEAL_ADVERSARY_FULL=1: every applicable tamper kind at every site (else one kind per site, in turn). */
const FULL = process.env.SNAPSEAL_ADVERSARY_FULL === '1';

interface CaseRow {
  site: RecordedSite;
  kind: TamperKind;
  outcome?: CaseOutcome;
  /** Why the case was not run (inapplicable by rule, outside the default selection, never applied). */
  note?: string;
  applied?: string;
}

/**
 * The default selection: each site gets one applicable kind, taking the kinds in turn from site to site, so
 * every kind is exercised in each run; the drill's reads that its restore shares with a plain restore are left
 * to the full matrix, which runs every applicable kind at every site.
 */
function selectCases(sites: RecordedSite[], swappable: Set<string>): CaseRow[] {
  const rows: CaseRow[] = [];
  const restoreReads = new Set(
    sites.filter((s) => s.site.phase === 'restore').map((s) => siteName({ ...s.site, phase: 'drill' })),
  );
  let turn = 0;
  for (const site of sites) {
    const applicable = TAMPER_KINDS.filter((k) => !inapplicable(k, site.site, site.clean, swappable));
    const shared = restoreReads.has(siteName(site.site));
    const chosen = FULL
      ? applicable
      : applicable.length && !shared
        ? [applicable[turn++ % applicable.length]!]
        : [];
    for (const kind of TAMPER_KINDS) {
      const rule = inapplicable(kind, site.site, site.clean, swappable);
      rows.push({
        site,
        kind,
        note: rule ? `n/a: ${rule}` : chosen.includes(kind) ? undefined : 'full matrix only',
      });
    }
  }
  return rows;
}

function cell(row: CaseRow): string {
  if (row.outcome) return row.outcome.verdict;
  if (row.note?.startsWith('n/a')) return '·';
  if (row.note === 'full matrix only') return ' ';
  return 'not applied';
}

function table(rows: CaseRow[]): string {
  const sites = [...new Set(rows.map((r) => siteName(r.site.site)))];
  const width = Math.max(...sites.map((s) => s.length));
  const lines = [`${'read site'.padEnd(width)} | ${TAMPER_KINDS.map((k) => k.padEnd(11)).join(' | ')}`];
  lines.push('-'.repeat(lines[0]!.length));
  for (const site of sites) {
    const cells = TAMPER_KINDS.map((k) =>
      cell(rows.find((r) => siteName(r.site.site) === site && r.kind === k)!).padEnd(11),
    );
    lines.push(`${site.padEnd(width)} | ${cells.join(' | ')}`);
  }
  const run = rows.filter((r) => r.outcome);
  const count = (v: string) => run.filter((r) => r.outcome!.verdict === v).length;
  lines.push(
    '',
    `${run.length} cases: ${count('detected')} detected, ${count('harmless')} harmless, ${count('MISSED')} MISSED` +
      `${FULL ? ' (full matrix)' : ' (default selection; SNAPSEAL_ADVERSARY_FULL=1 runs the full matrix)'}`,
    '',
  );
  for (const r of rows.filter((x) => x.outcome || x.applied === 'not applied')) {
    lines.push(
      `${r.outcome?.verdict ?? 'not applied'} | ${siteName(r.site.site)} × ${r.kind}: ${r.applied ?? ''}` +
        `${r.outcome ? `\n    -> ${r.outcome.reason.slice(0, 400)}` : ''}`,
    );
  }
  return lines.join('\n');
}

describe('adversary suite: a bucket writer tampers with every read (real stack)', () => {
  let stack: AdversaryStack;
  let stopWorker: () => Promise<void>;
  const clean = new Map<Step, StepResult>();
  let sites: RecordedSite[] = [];
  let target: SequenceTarget;
  /** Object versions with the two other archives sealed, before the target's seal; and after it. */
  let beforeSeal: Set<string>;

  beforeAll(async () => {
    stack = await createAdversaryStack([...DONOR_DATES, TARGET_DATE], DOCS);
    const { worker, close } = await createSnapsealWorker(stack.config);
    const running = worker.run();
    stopWorker = async () => {
      worker.shutdown();
      await running.catch(() => undefined);
      await close();
    };
    target = {
      date: TARGET_DATE,
      archiveId: archiveIdFor(TARGET_DATE, indicesForDate(stack.template, TARGET_DATE)),
      checkedManifests: new Set(),
    };
  });

  afterAll(async () => {
    await stopWorker?.();
    await stack?.close();
  });

  it('records the read sites of a clean archive → verify → chain → restore → drill', async () => {
    stack.keepStaging(true);
    for (const date of DONOR_DATES) {
      const donor = await runStep(stack, 'archive', {
        date,
        archiveId: archiveIdFor(date, indicesForDate(stack.template, date)),
        checkedManifests: new Set(),
      });
      expect(donor).toMatchObject({ status: 'ok', violations: [] });
    }
    beforeSeal = await stack.versions();
    const recording = stack.record();
    for (const step of STEPS) {
      const started = Date.now();
      const result = await runStep(stack, step, target);
      console.log(`clean ${step} (${Date.now() - started} ms): ${result.outcome}`);
      expect(result).toMatchObject({ status: 'ok', violations: [] });
      clean.set(step, result);
    }
    stack.stopRecording();
    stack.keepStaging(false);
    // In step order, then by name: the default selection does not depend on which request arrived first.
    sites = [...recording.values()].sort(
      (a, b) =>
        STEPS.indexOf(a.site.phase as Step) - STEPS.indexOf(b.site.phase as Step) ||
        siteName(a.site).localeCompare(siteName(b.site)),
    );
    console.log(
      `${sites.length} read sites:\n${sites.map((s) => `  ${siteName(s.site)} (${s.requests}x, clean ${s.clean.status}${s.clean.listed !== undefined ? `, listed ${s.clean.listed}` : ''}; e.g. ${s.example})`).join('\n')}`,
    );
    expect(sites.length).toBeGreaterThan(5);
  }, 600_000);

  it('ends every tampered read detected or harmless, never MISSED', async () => {
    expect(sites.length).toBeGreaterThan(0);
    const rows = selectCases(sites, await stack.swapPatterns());
    const sealed = await stack.versions();
    const run = async (row: CaseRow, to: Set<string>): Promise<void> => {
      const started = Date.now();
      stack.arm({ site: row.site.site, kind: row.kind });
      const first = row.site.site.phase as Step;
      // Default: a read before the restore is followed up to verify --chain (verify has then checked every
      // volume against the signed manifest; the restore's own reads are tampered in their own cases).
      const last: Step = FULL || first === 'restore' || first === 'drill' ? 'drill' : 'chain';
      const outcome = await runSequence(stack, target, first, last, clean);
      const { applied } = await stack.disarm();
      await stack.rollBack(to);
      row.applied = applied ? `${applied.key}: ${applied.detail}` : 'not applied';
      if (applied) row.outcome = judgeEvidence(outcome, applied, stack.buckets);
      console.log(
        `${row.outcome?.verdict ?? 'not applied'} (${Date.now() - started} ms) ${siteName(row.site.site)} × ${row.kind}: ${(row.outcome ?? outcome).reason.slice(0, 300)}`,
      );
    };
    const todo = rows.filter((r) => !r.note);
    // Reads after the seal: every case starts from the one sealed archive and is rolled back to it.
    for (const row of todo.filter((r) => r.site.site.phase !== 'archive')) await run(row, sealed);
    // Reads of the archive run: every case seals the target again from the state before its clean seal.
    await stack.rollBack(beforeSeal);
    for (const row of todo.filter((r) => r.site.site.phase === 'archive')) await run(row, beforeSeal);

    const report = table(rows);
    console.log(report);
    if (process.env.SNAPSEAL_ADVERSARY_REPORT)
      await writeFile(join(process.env.SNAPSEAL_ADVERSARY_REPORT), `${report}\n`);
    const missed = rows
      .filter((r) => r.outcome?.verdict === 'MISSED')
      .map((r) => `${siteName(r.site.site)} × ${r.kind}`);
    // Known gaps (./known-missed.ts) are reported; any other MISSED case fails the suite.
    const known = missed.filter((c) => knownMissed(c) !== undefined);
    if (known.length > 0)
      console.log(`known gaps, still MISSED (test/adversary/known-missed.ts):\n  ${known.join('\n  ')}`);
    expect(missed.filter((c) => knownMissed(c) === undefined)).toEqual([]);
  }, 3_600_000);
});
