// The messages between a volume's stream and its crypto thread (src/pipeline/volume-crypto-thread.ts).
// Chunks travel as transferred ArrayBuffers (moved, not copied); each side acknowledges every chunk it has
// consumed, so at most a few chunks are in flight either way (backpressure across the thread boundary).

export interface CryptoThreadInit {
  /** Sizes of the tar's entries in order: the thread finds each file's bytes from the tar layout. */
  fileSizes: number[];
  filename: string;
  /**
   * The volume's AES-256 session key, made on the main thread (SESSION_KEY of volume-encryption.ts) and wrapped
   * there by openpgp.js for the recipients; it reaches the thread in its workerData (a copy within this
   * process, never a message on the wire, never logged) and both copies are zeroed once used.
   */
  sessionKey: Uint8Array;
  /** The PKESK packets (one per recipient) that open the message, ahead of the SEIPD packet. */
  keyPackets: Uint8Array;
}

export type ToCryptoThread = { type: 'data'; chunk: ArrayBuffer } | { type: 'end' } | { type: 'ack' };

export interface CryptoThreadResult {
  fileSha256: string[];
  plaintextBytes: number;
  plaintextSha256: string;
  ciphertextBytes: number;
  ciphertextSha256: string;
}

export type FromCryptoThread =
  | { type: 'data'; chunk: ArrayBuffer }
  | { type: 'ack' }
  | ({ type: 'done' } & CryptoThreadResult)
  | { type: 'error'; message: string };
