// rclone configured by environment variables only (no config file in $HOME): one remote, "benchminio",
// pointing at the local MinIO. Also the clean environment of every command-line tool the bench runs.
import { join } from 'node:path';
import type { StackSettings } from './bench-environment';

export const RCLONE_REMOTE = 'benchminio';

/**
 * The caller's environment without AWS_* variables: the tools get their S3 settings from the bench only (an
 * AWS_CA_BUNDLE, for one, makes rclone refuse even a plain-HTTP endpoint, and a profile could redirect restic).
 */
export function environmentWithoutAws(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
}

export function rcloneEnv(stack: StackSettings, scratchDir: string): NodeJS.ProcessEnv {
  const prefix = `RCLONE_CONFIG_${RCLONE_REMOTE.toUpperCase()}_`;
  return {
    ...environmentWithoutAws(),
    RCLONE_CONFIG: join(scratchDir, 'rclone-unused.conf'), // never read: the remote lives in the variables
    [`${prefix}TYPE`]: 's3',
    [`${prefix}PROVIDER`]: 'Minio',
    [`${prefix}ENDPOINT`]: stack.s3.endpoint,
    [`${prefix}REGION`]: stack.s3.region,
    [`${prefix}ACCESS_KEY_ID`]: stack.s3.accessKeyId,
    [`${prefix}SECRET_ACCESS_KEY`]: stack.s3.secretAccessKey,
  };
}
