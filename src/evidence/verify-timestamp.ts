// Checks an archive's RFC 3161 time-stamp reply: the token's signature chains to the configured TSA CA, it
// stamps exactly the manifest's sha256, and its genTime agrees with the manifest's createdAt (back-dating).
import { createHash } from 'node:crypto';
import { pki, SHA256_OID } from './pkijs-engine';
import { parseReply, TimestampError } from './request-timestamp';

export interface TimestampCheck {
  genTime?: string;
  problems: string[];
}

export function readPemCertificates(pem: string) {
  const pkijs = pki();
  const blocks = [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)];
  if (blocks.length === 0) throw new TimestampError('SNAPSEAL_TSA_CA_FILE holds no PEM certificate');
  return blocks.map((m) => pkijs.Certificate.fromBER(new Uint8Array(Buffer.from(m[1]!, 'base64'))));
}

export async function verifyTimestamp(
  der: Buffer,
  manifest: Buffer,
  caPem: string,
  createdAt: string,
  toleranceSeconds: number,
): Promise<TimestampCheck> {
  const pkijs = pki();
  const problems: string[] = [];
  let parsed;
  try {
    parsed = parseReply(der);
  } catch (err) {
    return { problems: [`time-stamp token cannot be read: ${(err as Error).message}`] };
  }
  const manifestSha256 = createHash('sha256').update(manifest).digest('hex');
  if (parsed.imprintAlgorithm !== SHA256_OID || parsed.imprintHex !== manifestSha256) {
    // A token over another digest says nothing about this manifest, whoever signed it.
    return {
      genTime: parsed.genTime,
      problems: [
        `time-stamp token stamps digest ${parsed.imprintHex}, not the manifest's sha256 ${manifestSha256}`,
      ],
    };
  }
  const reply = pkijs.TimeStampResp.fromBER(new Uint8Array(der));
  const signed = new pkijs.SignedData({ schema: reply.timeStampToken!.content });
  try {
    const ok = await signed.verify({
      signer: 0,
      trustedCerts: readPemCertificates(caPem),
      checkChain: true,
      // The signer's certificate must have been valid when it stamped, not today: tokens outlive certificates.
      checkDate: new Date(parsed.genTime),
      // For a TSTInfo, pkijs also hashes `data` against the token's message imprint.
      data: new Uint8Array(manifest).buffer,
      extendedMode: true,
    });
    if (!ok.signatureVerified) problems.push('time-stamp token signature does not verify');
  } catch (err) {
    const e = err as { message?: string; date?: unknown };
    problems.push(
      `time-stamp token is not signed by a TSA of SNAPSEAL_TSA_CA_FILE: ${e.message ?? JSON.stringify(err)}`,
    );
  }
  const driftSeconds = (Date.parse(parsed.genTime) - Date.parse(createdAt)) / 1000;
  if (Math.abs(driftSeconds) > toleranceSeconds) {
    problems.push(
      `manifest says it was created at ${createdAt} but was time-stamped at ${parsed.genTime} ` +
        `(${Math.round(driftSeconds)} s later, tolerance ${toleranceSeconds} s): back-dated`,
    );
  }
  return { genTime: parsed.genTime, problems };
}
