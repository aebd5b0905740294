// The OpenPGP parameters of every volume. The volume crypto thread (volume-crypto-thread.ts, the one place a
// volume is encrypted) receives them from here. GnuPG 2.2 must read the result: v4 keys, PKESK v3, SEIPD v1
// with MDC (no AEAD), AES-256, no compression (snapshot blobs are compressed already; compressing would cost
// CPU for nothing). openpgp.js wraps the session key (PKESK); SeipdV1Writer (seipd-v1-writer.ts) writes the
// encrypted packet with node:crypto.

/**
 * The session key of every volume: AES-256, no AEAD algorithm. Wrapped without an AEAD algorithm, openpgp.js
 * writes PKESK v3 for every v4 recipient key, even one that advertises SEIPDv2, and GnuPG 2.2 reads that.
 */
export const SESSION_KEY = { algorithm: 'aes256', bytes: 32 } as const;
