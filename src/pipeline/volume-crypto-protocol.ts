// The messages between a volume's stream and its crypto thread (src/pipeline/volume-crypto-thread.ts).
// Chunks travel as transferred ArrayBuffers (moved, not copied); each side acknowledges every chunk it has
// consumed, so at most a few chunks are in flight either way (backpressure across the thread boundary).

export interface CryptoThreadInit {
  /** Sizes of the tar's entries in order: the thread finds each file's bytes from the tar layout. */
  fileSizes: number[];
  recipientsArmored: string[];
  filename: string;
  /**
   * The session key's algorithm and length (SESSION_KEY of src/pipeline/volume-encryption.ts); the thread makes
   * the key itself, so it never crosses the message port.
   */
  sessionKey: { algorithm: 'aes256'; bytes: number };
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
