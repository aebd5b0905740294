// Asks an RFC 3161 time-stamp authority to stamp a sha256 digest: builds the TimeStampReq (with a nonce and
// certReq), posts it, and checks the granted reply names that digest and nonce before it is kept.
import * as asn1js from 'asn1js';
import { randomBytes } from 'node:crypto';
import { pki, SHA256_OID } from './pkijs-engine';

export interface TimestampReply {
  /** The full DER TimeStampResp, as `openssl ts -reply` writes it and `openssl ts -verify -in` reads it. */
  der: Buffer;
  genTime: string;
}

export class TimestampError extends Error {
  override name = 'TimestampError';
}

/**
 * The request's nonce from random bytes: a positive INTEGER in minimal DER. A first byte of 0 would be a needless
 * leading zero, which openssl's strict DER reading refuses ("Bad request format"): about 1 request in 256.
 */
export function nonceOf(random: Uint8Array): Buffer {
  const nonce = Buffer.from(random);
  nonce[0] = nonce[0]! & 0x7f || 0x01;
  return nonce;
}

export async function requestTimestamp(
  tsaUrl: string,
  sha256Hex: string,
  random: Uint8Array = randomBytes(8),
): Promise<TimestampReply> {
  const pkijs = pki();
  const nonce = nonceOf(random);
  const request = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256_OID }),
      hashedMessage: new asn1js.OctetString({ valueHex: Buffer.from(sha256Hex, 'hex') }),
    }),
    nonce: new asn1js.Integer({ valueHex: nonce }),
    certReq: true,
  });
  let response: Response;
  try {
    response = await fetch(tsaUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/timestamp-query' },
      body: Buffer.from(request.toSchema().toBER()),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw new TimestampError(`time-stamp authority ${tsaUrl} cannot be reached: ${(err as Error).message}`);
  }
  if (!response.ok)
    throw new TimestampError(`time-stamp authority ${tsaUrl} answered HTTP ${response.status}`);
  const der = Buffer.from(await response.arrayBuffer());
  const parsed = parseReply(der);
  if (parsed.imprintHex !== sha256Hex)
    throw new TimestampError(`the time-stamp authority stamped ${parsed.imprintHex}, not ${sha256Hex}`);
  if (
    parsed.nonceHex !==
    Buffer.from(nonce)
      .toString('hex')
      .replace(/^(00)+/, '')
  )
    throw new TimestampError('the time-stamp reply does not carry the nonce of the request (replayed?)');
  return { der, genTime: parsed.genTime };
}

export interface ParsedReply {
  imprintHex: string;
  imprintAlgorithm: string;
  nonceHex?: string;
  policy: string;
  genTime: string;
  serialHex: string;
}

/** Decode a TimeStampResp: a granted status and the TSTInfo inside its token (no signature check here). */
export function parseReply(der: Buffer): ParsedReply {
  const pkijs = pki();
  let reply: InstanceType<typeof pkijs.TimeStampResp>;
  try {
    reply = pkijs.TimeStampResp.fromBER(new Uint8Array(der));
  } catch (err) {
    throw new TimestampError(`not an RFC 3161 time-stamp reply: ${(err as Error).message}`);
  }
  const status = reply.status.status;
  if (status !== pkijs.PKIStatus.granted && status !== pkijs.PKIStatus.grantedWithMods) {
    const text = (reply.status.statusStrings ?? []).map((s) => s.valueBlock.value).join('; ');
    throw new TimestampError(
      `the time-stamp authority refused the request (PKIStatus ${status}${text ? `: ${text}` : ''})`,
    );
  }
  if (!reply.timeStampToken) throw new TimestampError('the time-stamp reply holds no token');
  const signed = new pkijs.SignedData({ schema: reply.timeStampToken.content });
  const content = signed.encapContentInfo.eContent;
  if (!content) throw new TimestampError('the time-stamp token holds no TSTInfo');
  const info = pkijs.TSTInfo.fromBER(content.getValue());
  const hex = (v: ArrayBuffer | Uint8Array) => Buffer.from(v as ArrayBuffer).toString('hex');
  return {
    imprintHex: hex(info.messageImprint.hashedMessage.valueBlock.valueHexView),
    imprintAlgorithm: info.messageImprint.hashAlgorithm.algorithmId,
    nonceHex: info.nonce ? hex(info.nonce.valueBlock.valueHexView).replace(/^(00)+/, '') : undefined,
    policy: info.policy,
    genTime: info.genTime.toISOString(),
    serialHex: hex(info.serialNumber.valueBlock.valueHexView),
  };
}
