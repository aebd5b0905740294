// The search attributes snapseal workflows publish, so the Temporal UI can filter and show progress.
// scripts/stack.sh registers them on the dev server; on any other server register them by hand
// (`temporal operator search-attribute create`, see README).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const ARCHIVE_ID = defineSearchAttributeKey('SnapsealArchiveId', SearchAttributeType.KEYWORD);
export const ARCHIVE_DATE = defineSearchAttributeKey('SnapsealArchiveDate', SearchAttributeType.KEYWORD);
export const STAGE = defineSearchAttributeKey('SnapsealStage', SearchAttributeType.KEYWORD);
export const BYTES_DONE = defineSearchAttributeKey('SnapsealBytesDone', SearchAttributeType.INT);
export const VOLUMES_DONE = defineSearchAttributeKey('SnapsealVolumesDone', SearchAttributeType.INT);
export const VOLUMES_TOTAL = defineSearchAttributeKey('SnapsealVolumesTotal', SearchAttributeType.INT);
