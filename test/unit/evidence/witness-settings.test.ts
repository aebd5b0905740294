// The witness and Object Lock settings: parsed durations, the default mode, and the refused combinations.
import { loadConfig } from '../../../src/config';

describe('witness and Object Lock settings', () => {
  it('keeps GOVERNANCE as the default mode and no witness unless a bucket is named', () => {
    const config = loadConfig({});
    expect(config.archive.objectLockMode).toBe('GOVERNANCE');
    expect(config.witness).toBeUndefined();
  });

  it('reads the witness bucket, prefix and retention duration', () => {
    const config = loadConfig({
      SNAPSEAL_WITNESS_BUCKET: 'audit-witness',
      SNAPSEAL_WITNESS_RETENTION: '12h',
    });
    expect(config.witness).toEqual({ bucket: 'audit-witness', prefix: 'witness/', retentionSeconds: 43_200 });
    expect(loadConfig({ SNAPSEAL_WITNESS_BUCKET: 'audit-witness' }).witness?.retentionSeconds).toBe(
      2557 * 86_400,
    );
  });

  it('refuses a bad duration, a bad mode, and the archive bucket as its own witness', () => {
    expect(() => loadConfig({ SNAPSEAL_WITNESS_RETENTION: '7y' })).toThrow(
      'SNAPSEAL_WITNESS_RETENTION="7y": expected a duration such as 2557d',
    );
    expect(() => loadConfig({ SNAPSEAL_OBJECT_LOCK_MODE: 'LEGAL' })).toThrow(
      'SNAPSEAL_OBJECT_LOCK_MODE="LEGAL": expected GOVERNANCE or COMPLIANCE',
    );
    expect(() =>
      loadConfig({
        SNAPSEAL_WITNESS_BUCKET: 'snapseal-archive',
        SNAPSEAL_ARCHIVE_BUCKET: 'snapseal-archive',
      }),
    ).toThrow('SNAPSEAL_WITNESS_BUCKET is the archive bucket "snapseal-archive"');
  });
});
