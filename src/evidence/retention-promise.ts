// The Object Lock retention snapseal promises for a sealed archive's objects: SNAPSEAL_OBJECT_LOCK_MODE until
// createdAt + SNAPSEAL_OBJECT_LOCK_DAYS. The seal applies it; verify holds the objects to it.
import type { Config } from '../config';

export type ObjectLockMode = Config['archive']['objectLockMode'];

export interface RetentionPromise {
  Mode: ObjectLockMode;
  RetainUntilDate: Date;
}

/** Undefined when no retention is promised (SNAPSEAL_OBJECT_LOCK_DAYS=0: bucket default or none). */
export function promisedRetention(
  archive: Pick<Config['archive'], 'objectLockDays' | 'objectLockMode'>,
  createdAt: string,
): RetentionPromise | undefined {
  if (archive.objectLockDays <= 0) return undefined;
  return {
    Mode: archive.objectLockMode,
    RetainUntilDate: new Date(Date.parse(createdAt) + archive.objectLockDays * 86_400_000),
  };
}
