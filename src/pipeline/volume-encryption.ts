// The OpenPGP parameters of every volume. The volume crypto thread (volume-crypto-thread.ts, the one place a
// volume is encrypted) receives them from here. GnuPG 2.2 must read the result: v4 keys, SEIPD v1 with MDC (no
// AEAD), AES-256, no compression (snapshot blobs are compressed already; compressing would cost CPU for nothing).
import * as openpgp from 'openpgp';

export const ENCRYPTION_CONFIG = {
  aeadProtect: false,
  preferredSymmetricAlgorithm: openpgp.enums.symmetric.aes256,
  preferredCompressionAlgorithm: openpgp.enums.compression.uncompressed,
} as const;

/**
 * The session key of every volume: AES-256, no AEAD algorithm. openpgp.js picks SEIPDv2 (AEAD) whenever every
 * recipient advertises it, whatever aeadProtect says; a session key given without an AEAD algorithm pins
 * PKESK v3 + SEIPD v1, which GnuPG 2.2 decrypts. Every encryption of a volume passes one.
 */
export const SESSION_KEY = { algorithm: 'aes256', bytes: 32 } as const;
