// The restore's cluster side: register the unpacked repository read-only, start the restore under new names,
// report progress, compare document counts with the manifest, and clean up.
import { Context } from '@temporalio/activity';
import {
  countDocuments,
  deleteRepository,
  primaryShardCommits,
  registerReadonlyS3Repository,
  restoreFinished,
  startRestore,
  type DocCountSource,
} from '../opensearch/snapshot-api';
import { managedServiceSettings } from '../archive/staging-repository';
import type { RestorePlan, RestoreProgress, RestoreResult } from '../restore/restore-types';
import type { StagedVolume } from '../restore/staged-objects';
import { failTamperedRestore, stagedRestoreProblems } from './check-staged-restore';
import type { ActivityDeps } from './activity-deps';
import { FailureType, permanentFailure } from './failure-types';

export function createRestoreActivities(deps: ActivityDeps) {
  const { config, opensearch, buckets } = deps;
  /**
   * The restored index measured as the manifest measured it: a 'snapshot-commit' count is compared with the
   * restored primaries' commit.num_docs (the same Lucene commits), any other with a refreshed `_count`.
   */
  async function restoredCount(index: string, source: DocCountSource | undefined): Promise<number> {
    if (source !== 'snapshot-commit') return countDocuments(opensearch, index);
    const commits = await primaryShardCommits(opensearch, index);
    return commits.reduce((sum, c) => sum + c.numDocs, 0);
  }

  return {
    async startRestoreFromArchive(plan: RestorePlan, staged?: StagedVolume[]): Promise<void> {
      try {
        await registerReadonlyS3Repository(opensearch, plan.repository, {
          bucket: config.staging.bucket,
          base_path: plan.repositoryBasePath,
          client: config.opensearch.repositoryClient,
          ...managedServiceSettings(config),
        });
        await startRestore(
          opensearch,
          plan.repository,
          plan.snapshot,
          plan.indices.map((i) => i.name),
          plan.renamePrefix,
        );
      } catch (err) {
        // A cluster that cannot read what was staged: if the staged folder changed, that is why, by name
        // (retrying would read the same changed bytes); else the refusal is retried as before.
        if (staged) {
          const { problems } = await stagedRestoreProblems(deps, plan, staged);
          if (problems.length > 0) await failTamperedRestore(deps, plan, problems);
        }
        throw err;
      }
    },

    async checkRestore(plan: RestorePlan): Promise<RestoreProgress> {
      const progress = await restoreFinished(
        opensearch,
        plan.indices.map((i) => i.restoredAs),
      );
      Context.current().heartbeat(progress);
      return progress;
    },

    async compareRestoredCounts(plan: RestorePlan): Promise<RestoreResult> {
      const indices = [];
      for (const i of plan.indices) {
        indices.push({
          name: i.name,
          restoredAs: i.restoredAs,
          expected: i.docCount,
          actual: await restoredCount(i.restoredAs, i.docCountSource),
        });
      }
      const wrong = indices.filter((i) => i.expected !== i.actual);
      if (wrong.length > 0) {
        throw permanentFailure(
          FailureType.RestoreMismatch,
          `Restored document counts differ from the manifest: ${wrong.map((i) => `${i.restoredAs} has ${i.actual}, expected ${i.expected}`).join('; ')}`,
        );
      }
      return { archiveId: plan.archiveId, indices };
    },

    async cleanUpRestore(plan: RestorePlan): Promise<{ stagedObjectsDeleted: number }> {
      await deleteRepository(opensearch, plan.repository);
      // Every version: the staging bucket is versioned, and a plain delete would leave the plaintext behind.
      return {
        stagedObjectsDeleted: await buckets.staging.deleteEveryVersion(`${plan.repositoryBasePath}/`),
      };
    },
  };
}
