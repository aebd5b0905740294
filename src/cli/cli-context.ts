// What every CLI command starts from: the validated configuration and, on demand, a Temporal client.
import { Client, Connection } from '@temporalio/client';
import { loadConfig, withEnvFile, type Config } from '../config';
import { temporalConnectionOptions } from '../temporal-connection';

export interface GlobalOptions {
  settingsFile?: string;
  json?: boolean;
}

export function configFrom(options: GlobalOptions): Config {
  const file = options.settingsFile ?? process.env.SNAPSEAL_ENV_FILE;
  return loadConfig(file ? withEnvFile(file) : process.env);
}

export async function withTemporal<T>(config: Config, use: (client: Client) => Promise<T>): Promise<T> {
  let connection: Connection;
  try {
    connection = await Connection.connect({
      ...temporalConnectionOptions(config.temporal),
      connectTimeout: '10 seconds',
    });
  } catch (err) {
    if ((err as Error).name === 'ConfigError') throw err;
    throw new Error(
      `Cannot reach Temporal at ${config.temporal.address} (TEMPORAL_ADDRESS): ${(err as Error).message}. Is the server running?`,
      { cause: err },
    );
  }
  try {
    return await use(new Client({ connection, namespace: config.temporal.namespace }));
  } finally {
    await connection.close();
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
