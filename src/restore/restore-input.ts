// Checks what a user gives a restore before any side effect: the archive id's form and the rename prefix,
// which becomes the start of new index names and goes into the snapshot API's rename_replacement. Pure:
// the CLI and the restore workflows call it.
import { assertArchiveId } from '../archive/archive-date';

export class RestoreInputError extends Error {
  override name = 'RestoreInputError';
}

// Lower case letters, digits, ".", "_", "-", not starting with "_", "-" or "." (OpenSearch index names), and
// none of the characters rename_replacement would read as a group reference ("$", "\").
const RENAME_PREFIX = /^[a-z0-9][a-z0-9._-]{0,99}$/;

export function assertRenamePrefix(prefix: string): string {
  if (!RENAME_PREFIX.test(prefix)) {
    throw new RestoreInputError(
      `Invalid rename prefix "${prefix.slice(0, 80)}" (--rename-prefix): expected the start of an index name, 1-100 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit, such as restored-`,
    );
  }
  return prefix;
}

/** The archive id and rename prefix of a restore request, checked; throws a clear error otherwise. */
export function checkRestoreInput(request: { archiveId: string; renamePrefix: string }): void {
  try {
    assertArchiveId(request.archiveId);
  } catch (err) {
    throw new RestoreInputError((err as Error).message);
  }
  assertRenamePrefix(request.renamePrefix);
}
