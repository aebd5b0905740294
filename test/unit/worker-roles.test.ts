import { createActivities, type ActivityDeps } from '../../src/activities';
import { loadConfig } from '../../src/config';
import { baseTaskQueue, taskQueuesFor, taskQueuesOf } from '../../src/task-queues';
import { ROLE_ACTIVITIES } from '../../src/worker-factory';

describe('worker roles', () => {
  it('give every activity to a role, and signing and decryption to one role each', () => {
    const deps = {
      config: loadConfig({}),
      s3: {},
      opensearch: {},
      keys: { recipients: [], recipientFingerprints: [], verify: [] },
    };
    const names = Object.keys(createActivities(deps as unknown as ActivityDeps)).sort();
    const assigned = [...new Set(Object.values(ROLE_ACTIVITIES).flat())].sort();
    expect(assigned).toEqual(names);
    const rolesOf = (activity: string) =>
      Object.entries(ROLE_ACTIVITIES)
        .filter(([, list]) => (list as readonly string[]).includes(activity))
        .map(([role]) => role);
    expect(rolesOf('sealArchive')).toEqual(['seal']);
    expect(rolesOf('archiveVolume')).toEqual(['stream']);
    for (const activity of ['stageRestoreVolume', 'verifyVolume', 'verifyManifest', 'prepareRestore'])
      expect(rolesOf(activity)).toEqual(['restore']);
  });

  it('derive every role queue from the base queue, and the base from any of them', () => {
    const queues = taskQueuesFor('prod');
    expect(queues).toEqual({
      archive: 'prod',
      stream: 'prod-stream',
      seal: 'prod-seal',
      restore: 'prod-restore',
    });
    for (const q of Object.values(queues)) {
      expect(baseTaskQueue(q)).toBe('prod');
      expect(taskQueuesOf(q)).toEqual(queues);
    }
  });
});
