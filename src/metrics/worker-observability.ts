// What a worker adds for operators: activity and workflow interceptors (metrics, archive id on log lines),
// the sink workflows report drill outcomes to, and, with SNAPSEAL_METRICS_PORT, the /metrics server and the
// newest-archive gauge. worker-factory passes `interceptors` and `sinks` to Worker.create and calls close().
import type { S3Client } from '@aws-sdk/client-s3';
import { Context } from '@temporalio/activity';
import { Runtime, type InjectedSinks, type WorkerInterceptors } from '@temporalio/worker';
import type { Config } from '../config';
import { archiveIdOfActivity } from '../logging/archive-id-of-activity';
import { archiveIdOfWorkflowId } from '../logging/archive-id-of-workflow-id';
import type { SnapsealSinks } from '../workflows/interceptors';
import { recordActivity, recordDrill } from './activity-metrics';
import { startMetricsServer, type MetricsServer } from './metrics-server';
import { startNewestArchiveGauge, type NewestArchiveGauge } from './newest-archive-gauge';
import { createSnapsealMetrics, type SnapsealMetrics } from './snapseal-metrics';

export interface WorkerObservability {
  interceptors: WorkerInterceptors;
  sinks: InjectedSinks<SnapsealSinks>;
  /** Set when SNAPSEAL_METRICS_PORT is: the bound address of /metrics. */
  metricsServer?: MetricsServer;
  close(): Promise<void>;
}

const NEWEST_ARCHIVE_REFRESH_MS = 5 * 60_000;

/**
 * `bundledWorkflows`: the worker loads the build's workflow bundle, which has the workflow interceptors in it
 * already (src/bundle-workflows.ts); otherwise the worker bundles them with the workflows at start-up.
 */
export async function startWorkerObservability(
  config: Config,
  s3: S3Client,
  bundledWorkflows: boolean,
): Promise<WorkerObservability> {
  const metrics: SnapsealMetrics | undefined = config.metrics.port > 0 ? createSnapsealMetrics() : undefined;
  let gauge: NewestArchiveGauge | undefined;
  let metricsServer: MetricsServer | undefined;
  if (metrics) {
    gauge = startNewestArchiveGauge(
      metrics,
      { s3, bucket: config.archive.bucket, prefix: config.archive.prefix },
      NEWEST_ARCHIVE_REFRESH_MS,
      (err) =>
        Runtime.instance().logger.warn(
          `Cannot read the newest archive for metrics (retried in ${NEWEST_ARCHIVE_REFRESH_MS / 60_000} minutes): ${(err as Error).message}`,
        ),
    );
    metricsServer = await startMetricsServer(metrics.registry, config.metrics);
  }

  const interceptors: WorkerInterceptors = {
    activity: [
      (ctx: Context) => {
        let archiveId = archiveIdOfWorkflowId(ctx.info.workflowExecution?.workflowId ?? '');
        return {
          inbound: {
            async execute(input, next) {
              archiveId = archiveIdOfActivity(ctx.info.activityType, input.args, config) ?? archiveId;
              const started = performance.now();
              const seconds = () => (performance.now() - started) / 1000;
              try {
                const value = await next(input);
                if (
                  metrics &&
                  recordActivity(metrics, {
                    activityType: ctx.info.activityType,
                    seconds: seconds(),
                    value,
                    failed: false,
                  })
                )
                  void gauge?.refresh();
                return value;
              } catch (err) {
                if (metrics)
                  recordActivity(metrics, {
                    activityType: ctx.info.activityType,
                    seconds: seconds(),
                    failed: true,
                  });
                throw err;
              }
            },
          },
          outbound: {
            getLogAttributes: (attrs, next) => next(archiveId ? { ...attrs, archiveId } : attrs),
          },
        };
      },
    ],
    ...(bundledWorkflows ? {} : { workflowModules: [require.resolve('../workflows/interceptors')] }),
  };

  const sinks: InjectedSinks<SnapsealSinks> = {
    snapsealMetrics: {
      drillFinished: {
        fn: (_info, passed) => {
          if (metrics) recordDrill(metrics, passed, Date.now());
        },
        callDuringReplay: false,
      },
    },
  };

  return {
    interceptors,
    sinks,
    metricsServer,
    async close() {
      gauge?.stop();
      await metricsServer?.close();
    },
  };
}
