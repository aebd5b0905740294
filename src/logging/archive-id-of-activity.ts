// Which archive an activity works on, read from its arguments, so every log line of a run names the archive.
import { archiveTarget } from '../activities/prepare-archive';
import type { ArchiveRequest } from '../archive/archive-types';
import type { Config } from '../config';

const field = (value: unknown, name: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;

export function archiveIdOfActivity(
  activityType: string,
  args: readonly unknown[],
  config: Config,
): string | undefined {
  const [first] = args;
  if (activityType === 'prepareArchive') {
    try {
      return archiveTarget(first as ArchiveRequest, '-', config).archiveId;
    } catch {
      return undefined; // an invalid request: prepareArchive itself reports it
    }
  }
  // archiveId strings (verify, describe), ArchiveTarget / RestorePlan objects, or { target } inputs (seal, clean up).
  const candidates = [first, field(first, 'archiveId'), field(field(first, 'target'), 'archiveId')];
  return candidates.find((c): c is string => typeof c === 'string' && c !== '');
}
