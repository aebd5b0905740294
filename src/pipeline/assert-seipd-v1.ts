// A pass-through stage that fails the stream unless the OpenPGP message starts as GnuPG 2.2 can read it:
// one or more PKESK packets (tag 1, version 3) followed by a SEIPD packet (tag 18) of version 1 (MDC, no AEAD).
import { Transform, type TransformCallback } from 'node:stream';

export class MessageFormatError extends Error {
  override name = 'MessageFormatError';
}

const TAG_PKESK = 1;
const TAG_SEIPD = 18;
// A message head holds a few PKESKs (RSA-4096: about 530 bytes each); anything longer is not ours.
const MAX_HEAD_BYTES = 64 * 1024;

interface PacketHeader {
  tag: number;
  headerLength: number;
  /** Body length, undefined for a partial-length body (allowed for data packets only). */
  bodyLength?: number;
}

/** Parse one packet header at `offset`; undefined when more bytes are needed. */
function readHeader(buf: Buffer, offset: number): PacketHeader | undefined {
  if (offset >= buf.length) return undefined;
  const first = buf[offset]!;
  if ((first & 0x80) === 0) throw new MessageFormatError('not an OpenPGP message (bad packet header)');
  if ((first & 0x40) === 0) {
    // Legacy format: tag in bits 5-2, length type in bits 1-0.
    const tag = (first >> 2) & 0x0f;
    const lengthType = first & 0x03;
    if (lengthType === 3) return { tag, headerLength: 1 };
    const size = [1, 2, 4][lengthType]!;
    if (offset + 1 + size > buf.length) return undefined;
    return { tag, headerLength: 1 + size, bodyLength: buf.readUIntBE(offset + 1, size) };
  }
  const tag = first & 0x3f;
  if (offset + 1 >= buf.length) return undefined;
  const l0 = buf[offset + 1]!;
  if (l0 < 192) return { tag, headerLength: 2, bodyLength: l0 };
  if (l0 < 224) {
    if (offset + 2 >= buf.length) return undefined;
    return { tag, headerLength: 3, bodyLength: ((l0 - 192) << 8) + buf[offset + 2]! + 192 };
  }
  if (l0 === 255) {
    if (offset + 6 > buf.length) return undefined;
    return { tag, headerLength: 6, bodyLength: buf.readUInt32BE(offset + 2) };
  }
  return { tag, headerLength: 2 }; // partial body length
}

/**
 * Decide from the start of a message: 'ok', 'more' (not enough bytes yet), or throw a MessageFormatError
 * naming what was found instead.
 */
export function checkMessageHead(buf: Buffer): 'ok' | 'more' {
  let offset = 0;
  let recipients = 0;
  for (;;) {
    const header = readHeader(buf, offset);
    if (!header) return 'more';
    const bodyStart = offset + header.headerLength;
    if (header.tag === TAG_PKESK) {
      if (header.bodyLength === undefined)
        throw new MessageFormatError('a PKESK packet with a partial length');
      if (bodyStart >= buf.length) return 'more';
      if (buf[bodyStart] !== 3)
        throw new MessageFormatError(`PKESK version ${buf[bodyStart]} (GnuPG 2.2 reads version 3 only)`);
      recipients += 1;
      offset = bodyStart + header.bodyLength;
      continue;
    }
    if (header.tag === TAG_SEIPD) {
      if (recipients === 0) throw new MessageFormatError('no PKESK packet before the encrypted data');
      if (bodyStart >= buf.length) return 'more';
      const version = buf[bodyStart];
      if (version !== 1)
        throw new MessageFormatError(
          `SEIPD version ${version} (${version === 2 ? 'AEAD, RFC 9580' : 'unknown'}); GnuPG 2.2 decrypts version 1 only`,
        );
      return 'ok';
    }
    throw new MessageFormatError(
      `packet tag ${header.tag} where PKESK (1) or SEIPD (18) was expected${header.tag === 20 ? ' (AEAD encrypted data, not readable by GnuPG 2.2)' : ''}`,
    );
  }
}

/** Pass bytes through once the message head is checked; fail the stream if it is not PKESK v3… + SEIPD v1. */
export function createSeipdV1Assertion(): Transform {
  let head: Buffer | undefined = Buffer.alloc(0);
  const fail = (detail: string) =>
    new MessageFormatError(`encrypted volume is not readable by GnuPG 2.2: ${detail}`);
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      if (head === undefined) return callback(null, chunk);
      head = Buffer.concat([head, chunk]);
      try {
        if (checkMessageHead(head) === 'more') {
          if (head.length > MAX_HEAD_BYTES)
            throw new MessageFormatError('no SEIPD packet in the first 64 KiB');
          return callback();
        }
      } catch (err) {
        return callback(fail((err as Error).message));
      }
      const out = head;
      head = undefined;
      callback(null, out);
    },
    flush(callback: TransformCallback) {
      if (head !== undefined) return callback(fail('the message ended before its encrypted data'));
      callback();
    },
  });
}
