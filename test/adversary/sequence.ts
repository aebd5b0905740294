// The sequence every case runs (archive → verify → verify --chain → restore → drill), each step reduced to an
// outcome that two runs of the same archive share, and the invariants checked after it: a signed manifest
// vouches for exactly the cluster's snapshot, restored data is exactly the source index.
import type { ArchiveResult } from '../../src/archive/archive-types';
import { archiveLayout } from '../../src/archive/archive-layout';
import type { RestoreResult } from '../../src/restore/restore-types';
import { verifyChainWithConfig, verifyWithConfig } from '../../src/verify/verify-with-config';
import type { DrillOutcome } from '../../src/workflows/restore-drill';
import { uniqueName } from '../integration/stack';
import type { AdversaryStack, StepResult, WorkflowEnd } from './adversary-stack';
import type { SuiteBuckets } from './read-sites';
import type { AppliedTamper } from './tampers';
import { createHash } from 'node:crypto';
import { indexDigest, sealedContentDifferences, signedManifests, versionsOf } from './ground-truth';

export const STEPS = ['archive', 'verify', 'chain', 'restore', 'drill'] as const;
export type Step = (typeof STEPS)[number];

/** How long a workflow step may keep retrying before it counts as stuck (a clean one takes seconds). */
const LIMIT_MS: Record<'archive' | 'restore' | 'drill', number> = {
  archive: 45_000,
  restore: 45_000,
  drill: 45_000,
};

/** Errors that name no reason: a crash, not a refusal. */
const UNNAMED = new Set([undefined, '', 'Error', 'TypeError', 'SyntaxError', 'RangeError', 'ReferenceError']);

export interface SequenceTarget {
  date: string;
  archiveId: string;
  /** sha256 of the signed manifests already checked against their snapshot (the clean ones). */
  checkedManifests: Set<string>;
}

function ended<T>(step: string, end: WorkflowEnd<T>, ok: (value: T) => string): StepResult {
  if (end.status === 'ok') return { step, status: 'ok', outcome: ok(end.value), violations: [] };
  if (end.status === 'stuck') return { step, status: 'stuck', outcome: end.message, violations: [] };
  return {
    step,
    status: UNNAMED.has(end.type) ? 'crash' : 'detected',
    outcome: `${end.type ?? 'failed'}: ${end.message}`,
    violations: [],
  };
}

function thrown(step: string, err: unknown): StepResult {
  const name = err instanceof Error ? err.name : undefined;
  return {
    step,
    status: UNNAMED.has(name) ? 'crash' : 'detected',
    outcome: `${name ?? 'thrown'}: ${err instanceof Error ? err.message : String(err)}`,
    violations: [],
  };
}

/** Every manifest of the target signed by the archiver key must vouch for exactly its run's snapshot. */
async function signedContentViolations(stack: AdversaryStack, target: SequenceTarget): Promise<string[]> {
  const layout = archiveLayout(stack.config.archive.prefix, target.archiveId);
  const bucket = stack.buckets.archive;
  const signed = await signedManifests(
    stack.direct,
    bucket,
    { manifest: layout.manifestKey, signature: layout.signatureKey },
    {
      manifest: await versionsOf(stack.direct, bucket, layout.manifestKey),
      signature: await versionsOf(stack.direct, bucket, layout.signatureKey),
    },
    await stack.signerKey(),
  );
  const violations: string[] = [];
  for (const { bytes, manifest } of signed) {
    const digest = createHash('sha256').update(bytes).digest('hex');
    if (target.checkedManifests.has(digest)) continue;
    const snapshot = await stack.snapshots.get(manifest.snapshot.repositoryBasePath);
    const differences = await sealedContentDifferences(
      stack.direct,
      bucket,
      manifest,
      snapshot,
      await stack.decryptionKey(),
    );
    if (differences.length === 0) target.checkedManifests.add(digest);
    else
      violations.push(
        `manifest ${digest.slice(0, 12)} is signed over content that is not the snapshot: ${differences.slice(0, 3).join('; ')}${differences.length > 3 ? ` (+${differences.length - 3})` : ''}`,
      );
  }
  return violations;
}

/** Restored indices matching `pattern` that hold other documents than the source index. */
async function restoredDataViolations(
  stack: AdversaryStack,
  target: SequenceTarget,
  pattern: string,
): Promise<string[]> {
  const source = await stack.sourceDigest(target.date);
  const violations: string[] = [];
  for (const index of await stack.restoredIndices(pattern)) {
    const restored = await indexDigest(stack.search, index);
    if (restored.sha256 !== source.sha256)
      violations.push(
        `${index} holds ${restored.docs} documents that differ from the source's ${source.docs}`,
      );
  }
  return violations;
}

export async function runStep(
  stack: AdversaryStack,
  step: Step,
  target: SequenceTarget,
): Promise<StepResult> {
  stack.setPhase(step);
  switch (step) {
    case 'archive': {
      const end = await stack.runWorkflow<ArchiveResult>(
        'archiveSnapshot',
        [{ date: target.date }],
        LIMIT_MS.archive,
      );
      const result = ended('archive', end, (a) =>
        [
          `${a.status} #${a.sequence} ${a.archiveId}`,
          `volumes=${a.volumes}`,
          `docs=${a.indices.map((i) => `${i.name.replace(/^.*-logs-/, '')}:${i.docCount}`).join(',')}`,
        ].join(' '),
      );
      result.violations = await signedContentViolations(stack, target);
      return result;
    }
    case 'verify':
      return verifyWithConfig(stack.config, target.archiveId).then(
        (r): StepResult => ({
          step,
          status: r.ok ? 'ok' : 'detected',
          outcome: r.ok
            ? `ok volumes=${r.volumesChecked} files=${r.filesChecked} bytes=${r.plaintextBytes}`
            : `exit 4: ${r.problems.map((p) => `${p.file ?? ''} ${p.problem}`.trim()).join('; ')}`,
          violations: [],
        }),
        (err: unknown) => thrown(step, err),
      );
    case 'chain':
      return verifyChainWithConfig(stack.config).then(
        (r): StepResult => ({
          step,
          status: r.ok ? 'ok' : 'detected',
          outcome: r.ok
            ? `ok archives=${r.archives} witnessed=${r.witnessedSequence}`
            : `exit 4: ${r.problems.map((p) => p.problem).join('; ')}`,
          violations: [],
        }),
        (err: unknown) => thrown(step, err),
      );
    case 'restore': {
      const prefix = `${uniqueName('r')}-`;
      const end = await stack.runWorkflow<RestoreResult>(
        'restoreArchive',
        [{ archiveId: target.archiveId, renamePrefix: prefix }],
        LIMIT_MS.restore,
      );
      const result = ended('restore', end, (r) =>
        r.indices.map((i) => `${i.name.replace(/^.*-logs-/, '')}:${i.expected}/${i.actual}`).join(','),
      );
      result.violations = await restoredDataViolations(stack, target, `${prefix}*`);
      await stack.search.indices.delete({ index: `${prefix}*` }, { ignore: [404] });
      return result;
    }
    case 'drill': {
      const end = await stack.runWorkflow<DrillOutcome>('restoreDrill', [], LIMIT_MS.drill);
      let result: StepResult;
      if (end.status === 'ok' && !end.value.passed) {
        const named = !UNNAMED.has(end.value.failureType);
        result = {
          step,
          status: named ? 'detected' : 'crash',
          outcome: `${end.value.failureType ?? 'failed'}: ${end.value.failure ?? ''}`,
          violations: [],
        };
      } else {
        result = ended('drill', end, (d) =>
          `passed ${d.archiveId} ${d.restored?.indices.map((i) => `${i.expected}/${i.actual}`).join(',')}`.trim(),
        );
      }
      // The drill removes what it restored; anything left must at least be the archive's data.
      const pattern = `drill-*-${stack.template.replace('{DD}{MM}{YYYY}', '*')}`;
      result.violations = await restoredDataViolations(stack, target, pattern);
      await stack.search.indices.delete({ index: pattern }, { ignore: [404] });
      return result;
    }
  }
}

export type Verdict = 'detected' | 'harmless' | 'MISSED';

export interface CaseOutcome {
  verdict: Verdict;
  /** The step that decided, and why. */
  reason: string;
  steps: StepResult[];
}

/**
 * Runs the steps from `first` to `last`. A step that refuses by name decides "detected" (later steps are not run: the
 * archive is refused); a step whose outcome differs from the clean run without refusing, a crash, a stuck run
 * or any invariant violation decides MISSED; all steps as in the clean run is "harmless".
 */
export async function runSequence(
  stack: AdversaryStack,
  target: SequenceTarget,
  first: Step,
  last: Step,
  clean: Map<Step, StepResult>,
): Promise<CaseOutcome> {
  const steps: StepResult[] = [];
  for (const step of STEPS.slice(STEPS.indexOf(first), STEPS.indexOf(last) + 1)) {
    const result = await runStep(stack, step, target);
    steps.push(result);
    const expected = clean.get(step)!;
    if (result.violations.length > 0)
      return { verdict: 'MISSED', reason: `${step}: ${result.violations.join('; ')}`, steps };
    if (result.status === 'detected')
      return { verdict: 'detected', reason: `${step}: ${result.outcome}`, steps };
    if (result.status !== 'ok')
      return { verdict: 'MISSED', reason: `${step} ${result.status}: ${result.outcome}`, steps };
    if (result.outcome !== expected.outcome)
      return {
        verdict: 'MISSED',
        reason: `${step} succeeded with another outcome: ${result.outcome} (clean: ${expected.outcome})`,
        steps,
      };
  }
  return { verdict: 'harmless', reason: 'every step as in the clean run', steps };
}

/**
 * A written-once record (anything of the archive bucket but a volume, any witness record) that the attacker
 * deleted or wrote over stays tampered: verify --chain (and verify, where the case runs it) must not pass over
 * it, even when the outcome is the clean one. (A volume may be overwritten harmlessly: the manifest binds it.)
 */
export function judgeEvidence(
  outcome: CaseOutcome,
  applied: AppliedTamper,
  buckets: SuiteBuckets,
): CaseOutcome {
  const evidence =
    applied.bucket === buckets.witness ||
    (applied.bucket === buckets.archive && !applied.key.endsWith('.tar.gpg'));
  const passed = (step: Step) => outcome.steps.some((s) => s.step === step && s.status === 'ok');
  if (outcome.verdict !== 'harmless' || !evidence || !passed('chain')) return outcome;
  return {
    ...outcome,
    verdict: 'MISSED',
    reason: `${applied.key} was ${applied.detail}, a written-once record, yet ${passed('verify') ? 'verify and ' : ''}verify --chain passed`,
  };
}
