// The search attributes snapseal workflows publish, so the Temporal UI can filter and show progress.
// They are registered by scripts/stack.sh (dev server) and `snapseal setup` (any server).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const ARCHIVE_ID = defineSearchAttributeKey('SnapsealArchiveId', SearchAttributeType.KEYWORD);
export const ARCHIVE_DATE = defineSearchAttributeKey('SnapsealArchiveDate', SearchAttributeType.KEYWORD);
export const STAGE = defineSearchAttributeKey('SnapsealStage', SearchAttributeType.KEYWORD);
export const BYTES_DONE = defineSearchAttributeKey('SnapsealBytesDone', SearchAttributeType.INT);
export const VOLUMES_DONE = defineSearchAttributeKey('SnapsealVolumesDone', SearchAttributeType.INT);
export const VOLUMES_TOTAL = defineSearchAttributeKey('SnapsealVolumesTotal', SearchAttributeType.INT);

export const ALL_SEARCH_ATTRIBUTES = [
  ARCHIVE_ID,
  ARCHIVE_DATE,
  STAGE,
  BYTES_DONE,
  VOLUMES_DONE,
  VOLUMES_TOTAL,
];
