import { validateCron, validateTimeZone } from '../../../src/cli/schedule-command';

describe('schedule input', () => {
  it('accepts five-field cron expressions', () => {
    expect(() => validateCron('30 1 * * *')).not.toThrow();
    expect(() => validateCron('0 */6 * * 1-5')).not.toThrow();
  });

  it('names the bad field of a cron typo', () => {
    expect(() => validateCron('30 1 * *')).toThrow('expected five fields');
    expect(() => validateCron('30 1x * * *')).toThrow('field 2 ("1x") is not valid');
  });

  it('rejects an unknown time zone with an example', () => {
    expect(() => validateTimeZone('Europe/Berlin')).not.toThrow();
    expect(() => validateTimeZone('Mars/Olympus')).toThrow('expected an IANA name such as Europe/Berlin');
  });
});
