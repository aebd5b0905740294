import { thawState } from '../../../src/s3/cold-storage';

// Header values as S3 returns them in HeadObject (x-amz-restore) for objects in Glacier classes.
const RECORDED = {
  ongoing: 'ongoing-request="true"',
  done: 'ongoing-request="false", expiry-date="Fri, 27 Nov 2026 00:00:00 GMT"',
};

describe('thawState', () => {
  it('needs no thaw for warm storage classes', () => {
    expect(thawState(undefined, undefined)).toBe('available');
    expect(thawState('STANDARD', undefined)).toBe('available');
    expect(thawState('GLACIER_IR', undefined)).toBe('available');
  });

  it('asks for a thaw of a cold object without a restore', () => {
    expect(thawState('GLACIER', undefined)).toBe('needs-thaw');
    expect(thawState('DEEP_ARCHIVE', undefined)).toBe('needs-thaw');
  });

  it('waits while a thaw runs and reads the object once it is done', () => {
    expect(thawState('DEEP_ARCHIVE', RECORDED.ongoing)).toBe('thawing');
    expect(thawState('GLACIER', RECORDED.done)).toBe('available');
  });
});
