// Checks an archive's RFC 3161 time-stamp reply: the token's signature chains to the configured TSA CA, it
// stamps exactly the manifest's sha256, its signer is a time-stamping certificate, and its genTime agrees with the
// manifest's createdAt (back-dating).
import { createHash } from 'node:crypto';
import { pki, SHA256_OID } from './pkijs-engine';
import { parseReply, TimestampError, type ParsedReply } from './request-timestamp';

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

/** id-kp-timeStamping (RFC 3161 2.3): the only extended key usage a time-stamp signer may carry, critical. */
const TIME_STAMPING_EKU = '1.3.6.1.5.5.7.3.8';
const EXT_KEY_USAGE = '2.5.29.37';

export interface TokenSignatureCheck {
  /** The reply's fields, when it could be read. */
  parsed?: ParsedReply;
  /** Empty: the token stamps exactly `manifest` and is signed by a time-stamping certificate under the CA. */
  problems: string[];
}

/**
 * What makes a token evidence at all, whoever reads it (the seal before it stores or witnesses one, verify
 * afterwards): it stamps the manifest's sha256, its signature verifies, the signer chains to the CA bundle and
 * carries the critical id-kp-timeStamping extended key usage, as `openssl ts -verify` requires.
 */
export async function checkTokenSignature(
  der: Buffer,
  manifest: Buffer,
  caPem: string,
): Promise<TokenSignatureCheck> {
  const pkijs = pki();
  let parsed: ParsedReply;
  try {
    parsed = parseReply(der);
  } catch (err) {
    return { problems: [`time-stamp token cannot be read: ${(err as Error).message}`] };
  }
  const manifestSha256 = createHash('sha256').update(manifest).digest('hex');
  if (parsed.imprintAlgorithm !== SHA256_OID || parsed.imprintHex !== manifestSha256) {
    // A token over another digest says nothing about this manifest, whoever signed it.
    return {
      parsed,
      problems: [
        `time-stamp token stamps digest ${parsed.imprintHex}, not the manifest's sha256 ${manifestSha256}`,
      ],
    };
  }
  const problems: string[] = [];
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
    else {
      const eku = timeStampingUsageProblem(ok.signerCertificate);
      if (eku) problems.push(eku);
    }
  } catch (err) {
    const e = err as { message?: string; date?: unknown };
    problems.push(
      `time-stamp token is not signed by a TSA of SNAPSEAL_TSA_CA_FILE: ${e.message ?? JSON.stringify(err)}`,
    );
  }
  return { parsed, problems };
}

function timeStampingUsageProblem(
  certificate: InstanceType<ReturnType<typeof pki>['Certificate']> | null | undefined,
): string | undefined {
  const subject = certificate?.subject.typesAndValues.map((t) => String(t.value.valueBlock.value)).join(', ');
  const eku = certificate?.extensions?.find((e) => e.extnID === EXT_KEY_USAGE);
  const purposes = (eku?.parsedValue as { keyPurposes?: string[] } | undefined)?.keyPurposes ?? [];
  if (eku?.critical === true && purposes.length === 1 && purposes[0] === TIME_STAMPING_EKU) return undefined;
  return `time-stamp token is signed by "${subject ?? 'an unknown certificate'}", which is not a time-stamping certificate (its extended key usage must be id-kp-timeStamping only, marked critical)`;
}

export async function verifyTimestamp(
  der: Buffer,
  manifest: Buffer,
  caPem: string,
  createdAt: string,
  toleranceSeconds: number,
): Promise<TimestampCheck> {
  const { parsed, problems } = await checkTokenSignature(der, manifest, caPem);
  if (!parsed) return { problems };
  if (problems.some((p) => p.startsWith('time-stamp token stamps digest'))) {
    return { genTime: parsed.genTime, problems };
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
