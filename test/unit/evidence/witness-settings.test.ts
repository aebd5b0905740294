// The witness and Object Lock settings: parsed durations, the default mode, and the refused combinations.
import { loadConfig } from '../../../src/config';

describe('witness and Object Lock settings', () => {
  it('is secure by default: a witness named after the archive bucket, a year of GOVERNANCE retention', () => {
    const config = loadConfig({ SNAPSEAL_ARCHIVE_BUCKET: 'audit-archive' });
    expect(config.archive).toMatchObject({ objectLockMode: 'GOVERNANCE', objectLockDays: 365 });
    expect(config.witness).toEqual({
      bucket: 'audit-archive-witness',
      prefix: 'witness/',
      retentionSeconds: 2557 * 86_400,
    });
    expect(loadConfig({}).witness?.bucket).toBe('snapseal-archive-witness');
  });

  it('turns the witness and the retention off only when told so explicitly', () => {
    const config = loadConfig({ SNAPSEAL_WITNESS_BUCKET: 'none', SNAPSEAL_OBJECT_LOCK_DAYS: '0' });
    expect(config.witness).toBeUndefined();
    expect(config.archive.objectLockDays).toBe(0);
  });

  it('refuses a default witness name that would be too long, naming both ways out', () => {
    const archive = `a${'b'.repeat(55)}`; // 56 characters: + "-witness" is 64
    expect(() => loadConfig({ SNAPSEAL_ARCHIVE_BUCKET: archive })).toThrow(
      `SNAPSEAL_WITNESS_BUCKET is empty, so the witness would be "${archive}-witness"`,
    );
    expect(() => loadConfig({ SNAPSEAL_ARCHIVE_BUCKET: archive })).toThrow('SNAPSEAL_WITNESS_BUCKET=none');
    expect(
      loadConfig({ SNAPSEAL_ARCHIVE_BUCKET: archive, SNAPSEAL_WITNESS_BUCKET: 'w-bucket' }).witness?.bucket,
    ).toBe('w-bucket');
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
