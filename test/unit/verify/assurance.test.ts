import { loadConfig } from '../../../src/config';
import { assuranceOf, describeAssurance } from '../../../src/verify/assurance';

const base = { SNAPSEAL_LIFECYCLE_TRANSITIONS: 'false' };

describe('assurance in force', () => {
  it('says the defaults in force: a witness next to the archive bucket, a year of GOVERNANCE retention', () => {
    const { inForce, notProven } = assuranceOf(
      loadConfig({ ...base, SNAPSEAL_ARCHIVE_BUCKET: 'team-archive' }),
    );
    expect(inForce).toEqual(
      expect.arrayContaining([
        'witness: s3://team-archive-witness/witness/ (the default bucket; COMPLIANCE, 2557 days; written with the same credentials as the archive bucket)',
        'retention: Object Lock GOVERNANCE, 365 days on every sealed object (the default)',
        'time evidence: off (SNAPSEAL_TSA_URL is empty: there is no default authority)',
      ]),
    );
    expect(notProven.join('\n')).not.toMatch(/no witness|no retention/);
    expect(notProven.join('\n')).toMatch(/no time-stamp authority.*SNAPSEAL_TSA_URL/);
  });

  it('names what the opt-outs give up', () => {
    const { inForce, notProven } = assuranceOf(
      loadConfig({ ...base, SNAPSEAL_WITNESS_BUCKET: 'none', SNAPSEAL_OBJECT_LOCK_DAYS: '0' }),
    );
    expect(inForce).toEqual(
      expect.arrayContaining([
        'witness: off (opted out: SNAPSEAL_WITNESS_BUCKET=none)',
        'retention: none set at sealing (opted out: SNAPSEAL_OBJECT_LOCK_DAYS=0; the bucket default, if any)',
      ]),
    );
    expect(notProven.join('\n')).toMatch(
      /no witness: a cut tail .* cannot be detected \(SNAPSEAL_WITNESS_BUCKET/,
    );
    expect(notProven.join('\n')).toMatch(/no retention: .*SNAPSEAL_OBJECT_LOCK_DAYS/);
    expect(notProven.join('\n')).toMatch(/no time-stamp authority.*SNAPSEAL_TSA_URL/);
  });

  it('says how strong each piece is when everything is on', () => {
    const text = describeAssurance(
      assuranceOf(
        loadConfig({
          ...base,
          SNAPSEAL_WITNESS_BUCKET: 'team-witness',
          SNAPSEAL_WITNESS_S3_ACCESS_KEY_ID: 'witness-writer',
          SNAPSEAL_WITNESS_S3_SECRET_ACCESS_KEY: 'witness-secret',
          SNAPSEAL_OBJECT_LOCK_DAYS: '30',
          SNAPSEAL_OBJECT_LOCK_MODE: 'COMPLIANCE',
        }),
      ),
    );
    expect(text).toContain(
      'witness: s3://team-witness/witness/ (COMPLIANCE, 2557 days; written with its own credentials)',
    );
    expect(text).toContain('retention: Object Lock COMPLIANCE, 30 days on every sealed object');
    expect(text).not.toContain('no witness');
    expect(text).not.toContain('witness-secret');
  });

  it('warns that GOVERNANCE retention and a shared witness credential are weaker', () => {
    const { notProven } = assuranceOf(
      loadConfig({
        ...base,
        SNAPSEAL_WITNESS_BUCKET: 'team-witness',
        SNAPSEAL_OBJECT_LOCK_DAYS: '7',
        SNAPSEAL_OBJECT_LOCK_MODE: 'GOVERNANCE',
      }),
    );
    expect(notProven.join('\n')).toMatch(/GOVERNANCE retention can be shortened/);
    expect(notProven.join('\n')).toMatch(/witness shares the archive credentials/);
  });
});
