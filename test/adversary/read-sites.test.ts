// The suite's own rules, without the stack: how a request becomes a read site, and which tamper applies where.
import { keyPattern, objectKind, parseS3Request, siteName, siteOf } from './read-sites';
import { inapplicable, overwritten } from './tampers';

const buckets = { staging: 's-staging', archive: 's-archive', witness: 's-witness' };

describe('read sites', () => {
  it('names the operation and the key (or listed prefix) of a path-style request', () => {
    expect(parseS3Request(buckets, 'GET', '/s-archive?list-type=2&prefix=adv%2Fchain%2F')).toMatchObject({
      role: 'archive',
      operation: 'LIST',
      key: 'adv/chain/',
      listing: true,
    });
    expect(parseS3Request(buckets, 'GET', '/s-witness?versions&prefix=wit%2F')).toMatchObject({
      operation: 'LIST-VERSIONS',
      key: 'wit/',
    });
    expect(parseS3Request(buckets, 'GET', '/s-archive/adv/a/volume-0001.tar.gpg?retention')).toMatchObject({
      operation: 'GET-RETENTION',
      key: 'adv/a/volume-0001.tar.gpg',
    });
    expect(
      parseS3Request(buckets, 'GET', '/s-archive/adv/a/manifest.json?versionId=v1&x-id=GetObject'),
    ).toMatchObject({ operation: 'GET@version', key: 'adv/a/manifest.json', listing: false });
    expect(parseS3Request(buckets, 'HEAD', '/s-staging')).toMatchObject({ bucketLevel: true });
    expect(parseS3Request(buckets, 'GET', '/other-bucket/key')).toBeUndefined();
  });

  it('makes archive ids, runs, sequences, volumes and blob names generic', () => {
    expect(keyPattern('archive', 'adv/2026-09-03_x-logs-03092026/volume-0002.tar.gpg')).toBe(
      '<prefix>/<id>/volume-NNNN.tar.gpg',
    );
    expect(keyPattern('archive', 'adv/chain/00000003.json')).toBe('<prefix>/chain/<seq>.json');
    expect(keyPattern('staging', 'st/2026-09-03_x/49ce12b21dad/work/volume-0001.tar.gpg.json')).toBe(
      '<id>/<run>/work/volume-NNNN.tar.gpg.json',
    );
    expect(
      keyPattern(
        'staging',
        'st/2026-09-03_x/49ce/repository/indices/qx5R1rleSl6gxYZrv3Vlyg/1/__0r2rYDjlQkaJLpeEpUW2iQ',
      ),
    ).toBe('<id>/<run>/repository/indices/<uuid>/<n>/__<uuid>');
    expect(
      keyPattern(
        'staging',
        'st/a/r/repository/indices/qx5R1rleSl6gxYZrv3Vlyg/0/snap-mhAO_6WWSIKP9ZcprDjPeg.dat',
      ),
    ).toBe('<id>/<run>/repository/indices/<uuid>/<n>/snap-<uuid>.dat');
    expect(keyPattern('staging', 'st/a/r/repository/meta-mhAO_6WWSIKP9ZcprDjPeg.dat')).toBe(
      '<id>/<run>/repository/meta-<uuid>.dat',
    );
    expect(keyPattern('staging', 'st/restore/2026-09-03_x/ff2f/repository/index-0')).toBe(
      'restore/<id>/<run>/repository/index-N',
    );
    // A kept copy of another archive's run is of the same kind as a live run's object, and as a restore's.
    expect(objectKind('staging', 'kept/2026-09-01_x/d4d6/repository/index-0')).toBe(
      objectKind('staging', 'st/restore/2026-09-03_x/ff2f/repository/index-1'),
    );
    expect(keyPattern('witness', 'wit/00000002.json')).toBe('<witness>/<seq>.json');
  });

  it('counts a re-read of the same key in a step as a site of its own', () => {
    const request = parseS3Request(buckets, 'GET', '/s-staging/st/a/r/work/volume-0001.tar.gpg.json')!;
    expect(siteName(siteOf('archive', request, 1))).toBe(
      'archive: GET staging:<id>/<run>/work/volume-NNNN.tar.gpg.json',
    );
    expect(siteName(siteOf('archive', request, 2))).toBe(
      'archive: GET staging:<id>/<run>/work/volume-NNNN.tar.gpg.json #2',
    );
  });
});

describe('tamper rules', () => {
  const site = (method: string, path: string) => siteOf('verify', parseS3Request(buckets, method, path)!, 1);
  const volume = site('GET', '/s-archive/adv/a/volume-0001.tar.gpg');
  const listing = site('GET', '/s-archive?list-type=2&prefix=adv%2Fchain%2F');
  const swappable = new Set(['archive:<prefix>/<id>/volume-NNNN.tar.gpg']);

  it('applies each kind only where there is something to act on', () => {
    expect(inapplicable('forge', volume, { status: 200 }, swappable)).toBeUndefined();
    expect(inapplicable('swap', volume, { status: 404 }, swappable)).toBeUndefined(); // planted
    expect(inapplicable('delete', volume, { status: 404 }, swappable)).toBe('nothing there to change');
    expect(inapplicable('truncate', listing, { status: 200, listed: 3 }, swappable)).toBe(
      'a listing has no bytes',
    );
    expect(inapplicable('forge', listing, { status: 200, listed: 3 }, swappable)).toBe('not a volume');
    expect(
      inapplicable('swap', site('GET', '/s-archive/adv/a/manifest.json.tsr'), { status: 404 }, swappable),
    ).toBe('no other object of this kind');
    expect(inapplicable('delete', site('HEAD', '/s-archive'), { status: 200 }, swappable)).toBe(
      'bucket configuration: no object',
    );
  });

  it('overwrites one character near the middle, a hex digit where there is one', () => {
    const record = Buffer.from('{"sha256":"00ff9a"}');
    const changed = overwritten(record);
    expect(changed.length).toBe(record.length);
    expect([...changed].filter((b, i) => b !== record[i])).toHaveLength(1);
    expect(() => JSON.parse(changed.toString('utf8'))).not.toThrow();
  });
});
