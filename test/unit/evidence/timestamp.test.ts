// Request and verify an RFC 3161 time-stamp against a real openssl TSA on loopback.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { requestTimestamp } from '../../../src/evidence/request-timestamp';
import { verifyTimestamp } from '../../../src/evidence/verify-timestamp';
import { startTestTsa, type TestTsa } from '../../integration/tsa-server';

describe('RFC 3161 time-stamps', () => {
  let tsa: TestTsa;
  beforeAll(async () => void (tsa = await startTestTsa()));
  afterAll(async () => tsa?.close());
  const manifest = Buffer.from('manifest');
  const digest = createHash('sha256').update(manifest).digest('hex');

  it('stamps a digest and verifies the token against the CA', async () => {
    const reply = await requestTimestamp(tsa.url, digest);
    expect(Math.abs(Date.parse(reply.genTime) - Date.now())).toBeLessThan(60_000);
    const ca = await readFile(tsa.caFile, 'utf8');
    const check = await verifyTimestamp(reply.der, manifest, ca, new Date().toISOString(), 3600);
    expect(check).toEqual({ genTime: reply.genTime, problems: [] });
  });

  it('names a token for another digest and a back-dated createdAt', async () => {
    const reply = await requestTimestamp(tsa.url, digest);
    const ca = await readFile(tsa.caFile, 'utf8');
    const other = createHash('sha256').update('other').digest('hex');
    const forOther = await verifyTimestamp(
      reply.der,
      Buffer.from('other'),
      ca,
      new Date().toISOString(),
      3600,
    );
    expect(forOther.problems).toEqual([
      `time-stamp token stamps digest ${digest}, not the manifest's sha256 ${other}`,
    ]);
    const check = await verifyTimestamp(reply.der, manifest, ca, '2026-01-01T00:00:00.000Z', 3600);
    expect(check.problems).toEqual([
      expect.stringMatching(
        /^manifest says it was created at 2026-01-01T00:00:00.000Z but was time-stamped at .* back-dated$/,
      ),
    ]);
  });

  it('rejects a token whose signer does not chain to the CA file', async () => {
    const reply = await requestTimestamp(tsa.url, digest);
    const stranger = await startTestTsa();
    try {
      const check = await verifyTimestamp(
        reply.der,
        manifest,
        await readFile(stranger.caFile, 'utf8'),
        new Date().toISOString(),
        3600,
      );
      expect(check.problems.join('\n')).toMatch(
        /not signed by a TSA of SNAPSEAL_TSA_CA_FILE|does not verify/,
      );
    } finally {
      await stranger.close();
    }
  });

  it('reports an unreachable TSA by its setting', async () => {
    await expect(requestTimestamp('http://127.0.0.1:9/tsa', digest)).rejects.toThrow(
      /SNAPSEAL_TSA_URL .* cannot be reached/,
    );
  });
});
