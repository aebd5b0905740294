import { snapshotReadable } from '../../../src/activities/prepare-restore';

const cluster = (distribution: string, version: string) => ({ name: 'c', uuid: 'u', distribution, version });

describe('snapshotReadable', () => {
  it('accepts the same and the next major version', () => {
    expect(snapshotReadable(cluster('opensearch', '2.19.1'), cluster('opensearch', '2.11.0'))).toBe(true);
    expect(snapshotReadable(cluster('opensearch', '2.19.1'), cluster('opensearch', '3.1.0'))).toBe(true);
  });

  it('refuses an older major or one two majors ahead', () => {
    expect(snapshotReadable(cluster('opensearch', '3.1.0'), cluster('opensearch', '2.19.1'))).toBe(false);
    expect(snapshotReadable(cluster('opensearch', '1.3.0'), cluster('opensearch', '3.1.0'))).toBe(false);
  });

  it('lets OpenSearch 1.x/2.x read Elasticsearch 7.x, and nothing newer', () => {
    expect(snapshotReadable(cluster('elasticsearch', '7.10.2'), cluster('opensearch', '2.19.1'))).toBe(true);
    expect(snapshotReadable(cluster('elasticsearch', '8.15.0'), cluster('opensearch', '2.19.1'))).toBe(false);
  });
});
