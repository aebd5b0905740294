// What every CLI command starts from: the validated configuration and, on demand, a Temporal client.
import type { S3Client } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { ConfigError, loadConfig, withEnvFile, type Config } from '../config';
import { createS3Client } from '../s3/create-s3-client';
import { nameBucketSettings } from '../s3/s3-errors';
import { temporalConnectionOptions } from '../temporal-connection';
import { temporalTlsFailure } from '../temporal-tls-probe';

export interface GlobalOptions {
  settingsFile?: string;
  json?: boolean;
}

export function configFrom(options: GlobalOptions): Config {
  const file = options.settingsFile ?? process.env.SNAPSEAL_ENV_FILE;
  const config = loadConfig(file ? withEnvFile(file) : process.env);
  nameBucketSettings({
    SNAPSEAL_ARCHIVE_BUCKET: config.archive.bucket,
    SNAPSEAL_STAGING_BUCKET: config.staging.bucket,
    SNAPSEAL_WITNESS_BUCKET: config.witness?.bucket,
  });
  return config;
}

/** The Temporal server could not be reached at all (nothing was asked of it). */
export class TemporalUnreachableError extends Error {
  override name = 'TemporalUnreachableError';
}

export async function withTemporal<T>(config: Config, use: (client: Client) => Promise<T>): Promise<T> {
  const options = temporalConnectionOptions(config.temporal); // a bad TLS file stops here, before any request
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...options, connectTimeout: '10 seconds' });
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    // A TLS setting problem is not an outage: it is reported as such, and `status` does not fall back on it.
    const tlsProblem = await temporalTlsFailure(config.temporal, options.tls, err);
    if (tlsProblem) throw tlsProblem;
    throw new TemporalUnreachableError(
      `Cannot reach Temporal at ${config.temporal.address} (TEMPORAL_ADDRESS): ${err instanceof Error ? err.message : String(err)}. Is the server running?`,
      { cause: err },
    );
  }
  try {
    return await use(new Client({ connection, namespace: config.temporal.namespace }));
  } finally {
    await connection.close();
  }
}

/**
 * For commands that read the archive bucket and only add what Temporal knows (list, status): `read` gets an S3
 * client and a Temporal client, or `undefined` for Temporal when it cannot be reached at all.
 */
export async function withS3AndTemporalIfReachable<T>(
  config: Config,
  read: (s3: S3Client, temporal: Client | undefined) => Promise<T>,
): Promise<T> {
  const s3 = createS3Client(config.s3);
  try {
    return await withTemporal(config, (client) => read(s3, client)).catch((err: unknown) => {
      if (err instanceof TemporalUnreachableError) return read(s3, undefined);
      throw err;
    });
  } finally {
    s3.destroy();
  }
}

export function workflowUrl(config: Config, workflowId: string, runId?: string): string {
  const base = `${config.temporal.uiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${runId}/history` : base;
}

/** Print a value as JSON (--json) or as human text. */
export function output(options: GlobalOptions, value: unknown, human: () => string): void {
  if (options.json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  else process.stdout.write(`${human()}\n`);
}
