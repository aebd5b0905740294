// A short tag unique to this workflow run, for names that must not collide between runs (staging folders,
// repository names, restored index prefixes). It is the run id's last hex digits, its random part: run ids
// are UUIDv7 on current Temporal servers, whose leading digits are a millisecond timestamp that two runs
// started together share.
import { workflowInfo } from '@temporalio/workflow';

export function runTag(length = 12): string {
  return workflowInfo().runId.replace(/-/g, '').slice(-length);
}
