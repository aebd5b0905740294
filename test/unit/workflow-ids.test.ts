import { archiveIdentity } from '../../src/workflows/workflow-ids';

describe('archive identity', () => {
  it('gives a scheduled and an ad hoc run of one day the same ids, whatever the spelling', () => {
    const fromTemplate = archiveIdentity('prod', { date: '2026-11-21' }, 'logs-{DD}{MM}{YYYY}, audit-{YYYY}');
    const adHoc = archiveIdentity(
      'prod',
      { date: '2026-11-21', indices: 'audit-2026,logs-21112026' },
      'other-{DD}',
    );
    expect(adHoc).toEqual(fromTemplate);
    expect(fromTemplate).toEqual({
      archiveId: '2026-11-21_audit-2026+logs-21112026',
      indexPattern: 'audit-2026,logs-21112026',
      workflowId: 'prod/archive/2026-11-21_audit-2026+logs-21112026',
    });
  });

  it('names the deployment by its base queue, from any of its role queues', () => {
    expect(archiveIdentity('prod-restore', { date: '2026-11-21', indices: 'a' }, '').workflowId).toBe(
      'prod/archive/2026-11-21_a',
    );
  });
});
