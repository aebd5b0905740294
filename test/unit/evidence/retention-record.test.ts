// A retention record read back from the bucket is checked against its form: damage is a named problem.
import {
  parseRetentionRecord,
  RetentionRecordError,
  serializeRetentionRecord,
  type RetentionRecord,
} from '../../../src/evidence/retention-record';

const record: RetentionRecord = {
  format: 'snapseal-retention/1',
  archiveId: '2026-11-21_logs-21112026',
  promised: { mode: 'GOVERNANCE', retainUntil: '2027-11-21T00:00:00.000Z' },
  objects: [
    { key: 'archives/x/manifest.json', mode: 'GOVERNANCE', retainUntil: '2027-11-21T00:00:00.000Z' },
    { key: 'archives/x/manifest.json.tsr', mode: null, retainUntil: null },
  ],
};

describe('parseRetentionRecord', () => {
  it('reads back what sealing writes', () => {
    expect(parseRetentionRecord(serializeRetentionRecord(record).toString('utf8'))).toEqual(record);
  });

  it.each([
    ['text that is not JSON', '{"format": "snapseal-retention/1", ', /^not JSON \(/],
    [
      'another format',
      JSON.stringify({ ...record, format: 'x' }),
      /^not a snapseal-retention\/1 record \(format: /,
    ],
    ['objects that are not a list', JSON.stringify({ ...record, objects: {} }), /\(objects: /],
    [
      'a date that is not one',
      JSON.stringify({ ...record, objects: [{ key: 'k', mode: 'COMPLIANCE', retainUntil: 'soon' }] }),
      /\(objects\.0\.retainUntil: not a date\)/,
    ],
  ])('refuses %s with a RetentionRecordError saying why', (_what, text, message) => {
    expect(() => parseRetentionRecord(text)).toThrow(RetentionRecordError);
    expect(() => parseRetentionRecord(text)).toThrow(message);
  });
});
