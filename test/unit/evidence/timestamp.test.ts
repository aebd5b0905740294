// Request and verify an RFC 3161 time-stamp against a real openssl TSA on loopback; a token re-signed by a
// certificate under the same CA is accepted only when that certificate is a time-stamping one.
import * as asn1js from 'asn1js';
import { execFile } from 'node:child_process';
import { createHash, webcrypto } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pki } from '../../../src/evidence/pkijs-engine';
import { requestTimestamp } from '../../../src/evidence/request-timestamp';
import { checkTokenSignature, verifyTimestamp } from '../../../src/evidence/verify-timestamp';
import { startTestTsa, type TestTsa } from '../../integration/tsa-server';

const run = promisify(execFile);
const pemToDer = (pem: string) =>
  new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'));

/** The token's TSTInfo signed again with `certFile`'s key (PKCS#8 EC P-256), as any holder of such a key can. */
async function resign(der: Buffer, certFile: string, keyFile: string): Promise<Buffer> {
  const pkijs = pki();
  const reply = pkijs.TimeStampResp.fromBER(new Uint8Array(der));
  const original = new pkijs.SignedData({ schema: reply.timeStampToken!.content });
  const tstInfo = original.encapContentInfo.eContent!.getValue();
  const cert = pkijs.Certificate.fromBER(pemToDer(await readFile(certFile, 'utf8')));
  const key = await webcrypto.subtle.importKey(
    'pkcs8',
    pemToDer(await readFile(keyFile, 'utf8')),
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['sign'],
  );
  const TST_INFO = '1.2.840.113549.1.9.16.1.4';
  const signed = new pkijs.SignedData({
    version: 3,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: TST_INFO,
      eContent: new asn1js.OctetString({ valueHex: tstInfo }),
    }),
    certificates: [cert],
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            new pkijs.Attribute({
              type: '1.2.840.113549.1.9.3',
              values: [new asn1js.ObjectIdentifier({ value: TST_INFO })],
            }),
            new pkijs.Attribute({
              type: '1.2.840.113549.1.9.4',
              values: [
                new asn1js.OctetString({ valueHex: await webcrypto.subtle.digest('SHA-256', tstInfo) }),
              ],
            }),
          ],
        }),
      }),
    ],
  });
  // As openssl writes it: one primitive OCTET STRING (pkijs's constructor would split it into a constructed one).
  signed.encapContentInfo.eContent = new asn1js.OctetString({ valueHex: tstInfo });
  await signed.sign(key as never, 0, 'SHA-256');
  const token = new pkijs.ContentInfo({
    contentType: '1.2.840.113549.1.7.2',
    content: signed.toSchema(true),
  });
  const resp = new pkijs.TimeStampResp({
    status: new pkijs.PKIStatusInfo({ status: pkijs.PKIStatus.granted }),
    timeStampToken: token,
  });
  return Buffer.from(resp.toSchema().toBER());
}

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

  it('accepts a token only from a certificate with the critical id-kp-timeStamping usage, as openssl does', async () => {
    // Another certificate under the same CA, for signing but not for time-stamping (made before the stamp).
    const ssl = (...args: string[]) => run('openssl', args, { cwd: tsa.dir });
    await writeFile(
      join(tsa.dir, 'plain.cnf'),
      'basicConstraints = critical, CA:false\nkeyUsage = critical, digitalSignature\n',
    );
    await ssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'plain.key');
    await ssl('req', '-new', '-key', 'plain.key', '-subj', '/CN=snapseal test signer', '-out', 'plain.csr');
    await ssl(
      'x509',
      '-req',
      '-in',
      'plain.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-extfile',
      'plain.cnf',
      '-days',
      '2',
      '-out',
      'plain.pem',
    );
    const reply = await requestTimestamp(tsa.url, digest);
    const ca = await readFile(tsa.caFile, 'utf8');
    // The TSA's own certificate, re-signing: still good (the re-signing itself changes nothing).
    const again = await resign(reply.der, join(tsa.dir, 'tsa.pem'), join(tsa.dir, 'tsa.key'));
    expect((await checkTokenSignature(again, manifest, ca)).problems).toEqual([]);
    const forged = await resign(reply.der, join(tsa.dir, 'plain.pem'), join(tsa.dir, 'plain.key'));
    expect((await checkTokenSignature(forged, manifest, ca)).problems).toEqual([
      'time-stamp token is signed by "snapseal test signer", which is not a time-stamping certificate (its extended key usage must be id-kp-timeStamping only, marked critical)',
    ]);
    // openssl refuses the same token for the same reason.
    await writeFile(join(tsa.dir, 'forged.tsr'), forged);
    await writeFile(join(tsa.dir, 'manifest'), manifest);
    await expect(
      ssl('ts', '-verify', '-data', 'manifest', '-in', 'forged.tsr', '-CAfile', 'ca.pem'),
    ).rejects.toThrow(/unsuitable certificate purpose/);
  });

  it('sends a nonce openssl accepts whatever the random bytes (no needless leading zero)', async () => {
    // 0x00 0x05...: as an INTEGER, a leading zero byte before a byte below 0x80, which strict DER refuses.
    const reply = await requestTimestamp(tsa.url, digest, Buffer.from('0005060708090a0b', 'hex'));
    expect(reply.genTime).toBeDefined();
  });

  it('reports an unreachable TSA by its setting', async () => {
    await expect(requestTimestamp('http://127.0.0.1:9/tsa', digest)).rejects.toThrow(
      /time-stamp authority .* cannot be reached/,
    );
  });
});
