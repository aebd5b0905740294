// Writes the encrypted part of a volume's OpenPGP message (RFC 4880): a Symmetrically Encrypted Integrity
// Protected Data packet, version 1 (tag 18), holding a Literal Data packet (tag 11) and the Modification
// Detection Code packet (tag 19). AES-256-CFB and SHA-1 run in OpenSSL (node:crypto), on each byte once, with
// no copy of the plaintext: the packets are framed as partial bodies of 512 KiB around the caller's chunks.
// The key packets in front of it (PKESK, one per recipient) come from openpgp.js, which also reads the whole
// message back (and so does GnuPG 2.2): this writer only frames and encrypts the bulk.
import { createCipheriv, createHash, randomBytes, type Cipheriv, type Hash } from 'node:crypto';

const TAG_LITERAL = 11;
const TAG_SEIPD = 18;
/** The MDC packet's header: tag 19, new format, body length 20 (its SHA-1). */
const MDC_HEADER = Buffer.from([0xd3, 0x14]);
const AES_BLOCK = 16;
/** Partial body length 2^19: every partial body is 512 KiB (the first must be at least 512 bytes). */
const PARTIAL_EXPONENT = 19;
const PARTIAL_BYTES = 1 << PARTIAL_EXPONENT;

/** A new-format length of a final (or only) body (RFC 4880 4.2.2.1-3). */
export function definiteLength(length: number): Buffer {
  if (length < 192) return Buffer.from([length]);
  if (length < 8384) return Buffer.from([((length - 192) >> 8) + 192, (length - 192) & 0xff]);
  const out = Buffer.alloc(5);
  out[0] = 0xff;
  out.writeUInt32BE(length, 1);
  return out;
}

/**
 * Frames one packet's body, of a length not known in advance, as 512 KiB partial bodies and a final definite
 * length. Hands on views of the input, never copies: each output piece is a header or a slice of a chunk.
 */
export class PartialBodyFramer {
  readonly #tag: number;
  readonly #out: (piece: Uint8Array) => void;
  #started = false;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;

  constructor(tag: number, out: (piece: Uint8Array) => void) {
    this.#tag = tag;
    this.#out = out;
  }

  write(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    // Strictly more than one partial body: the final definite length then always holds 1 to 512 KiB bytes.
    while (this.#pendingBytes > PARTIAL_BYTES) {
      this.#header(Buffer.from([224 + PARTIAL_EXPONENT]));
      this.#emit(PARTIAL_BYTES);
    }
  }

  end(): void {
    const rest = this.#pendingBytes;
    this.#header(definiteLength(rest));
    this.#emit(rest);
  }

  #header(length: Buffer): void {
    if (!this.#started) this.#out(Buffer.from([0xc0 | this.#tag]));
    this.#started = true;
    this.#out(length);
  }

  #emit(bytes: number): void {
    let left = bytes;
    while (left > 0) {
      const head = this.#pending[0]!;
      if (head.length <= left) {
        this.#out(head);
        this.#pending.shift();
        left -= head.length;
      } else {
        this.#out(head.subarray(0, left));
        this.#pending[0] = head.subarray(left);
        left = 0;
      }
    }
    this.#pendingBytes -= bytes;
  }
}

export interface SeipdV1WriterOptions {
  /** The AES-256 session key (32 bytes), the one the PKESK packets carry. */
  sessionKey: Uint8Array;
  /** The Literal Data packet's file name (at most 255 bytes of UTF-8). */
  filename: string;
  /** Receives the packet's bytes, in order (pieces owned by the writer's cipher, free to keep or transfer). */
  out: (piece: Uint8Array) => void;
}

/**
 * SEIPD v1 over a Literal Data packet (binary, date 0): plaintext in through `write`, `end` appends the MDC.
 * The literal packet is framed before encryption, the SEIPD packet after it, both as partial bodies.
 */
export class SeipdV1Writer {
  readonly #cipher: Cipheriv;
  readonly #mdc: Hash = createHash('sha1');
  readonly #literal: PartialBodyFramer;
  readonly #seipd: PartialBodyFramer;

  constructor(options: SeipdV1WriterOptions) {
    if (options.sessionKey.length !== 32)
      throw new Error('SEIPD v1 writer: the session key must be 32 bytes');
    const name = Buffer.from(options.filename, 'utf8');
    if (name.length > 255) throw new Error('SEIPD v1 writer: the file name is longer than 255 bytes');
    // OpenPGP CFB: a zero IV, then a random block and its last two bytes again (RFC 4880 5.13).
    this.#cipher = createCipheriv('aes-256-cfb', options.sessionKey, Buffer.alloc(AES_BLOCK));
    this.#seipd = new PartialBodyFramer(TAG_SEIPD, options.out);
    this.#literal = new PartialBodyFramer(TAG_LITERAL, (piece) => this.#encrypt(piece));
    this.#seipd.write(Buffer.from([1])); // version 1
    const prefix = randomBytes(AES_BLOCK + 2);
    prefix.copy(prefix, AES_BLOCK, AES_BLOCK - 2, AES_BLOCK);
    this.#encrypt(prefix);
    // Literal Data body: format 'b' (binary), the file name, date 0, then the data.
    this.#literal.write(Buffer.concat([Buffer.from([0x62, name.length]), name, Buffer.alloc(4)]));
  }

  write(plaintext: Uint8Array): void {
    this.#literal.write(plaintext);
  }

  end(): void {
    this.#literal.end();
    this.#mdc.update(MDC_HEADER);
    this.#encrypt(Buffer.concat([MDC_HEADER, this.#mdc.digest()]), false);
    const last = this.#cipher.final();
    if (last.length > 0) this.#seipd.write(last);
    this.#seipd.end();
  }

  #encrypt(piece: Uint8Array, protect = true): void {
    if (protect) this.#mdc.update(piece);
    this.#seipd.write(this.#cipher.update(piece));
  }
}
