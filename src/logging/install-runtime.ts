// Installs the process-wide Temporal Runtime of a worker process: JSON-line logs on stderr (SDK, Core,
// workflow and activity logs alike) and, with SNAPSEAL_METRICS_PORT, Core's Prometheus exporter on
// 127.0.0.1:<port + 1>, which the metrics server merges into /metrics. Once per process, before any connection.
import { DefaultLogger, Runtime, makeTelemetryFilterString, type LogLevel } from '@temporalio/worker';
import type { Config } from '../config';
import { coreMetricsAddress } from '../metrics/metrics-server';
import { jsonLogLine } from './json-log-line';

export function installWorkerRuntime(
  config: Config,
  write = (line: string) => process.stderr.write(line),
): void {
  const level: LogLevel = config.logging.level;
  const logger = new DefaultLogger(level, (entry) => write(`${jsonLogLine(entry)}\n`));
  const core = coreMetricsAddress(config.metrics);
  // Node's own warnings (deprecations, the AWS SDK's Node version notice) become JSON lines too.
  process.removeAllListeners('warning');
  process.on('warning', (warning) => logger.warn(warning.message, { warning: warning.name }));
  Runtime.install({
    logger,
    telemetryOptions: {
      // Core's own events at WARN and above, forwarded to the same JSON logger.
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }) },
      ...(core ? { metrics: { prometheus: { bindAddress: core, useSecondsForDurations: true } } } : {}),
    },
  });
}
