import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PrivateKey } from 'openpgp';
import {
  checkKeyRotation,
  parseKeyRotation,
  serializeKeyRotation,
  signKeyRotation,
  signKeyRotationBytes,
  type SignedKeyRotation,
} from '../../../src/keys/key-rotation';
import { fingerprint, generateDemoKeys, readSigningKey } from '../../../src/pipeline/openpgp-keys';
import { withGnupg } from '../pipeline/gnupg-home';
import { fileSigner } from '../../../src/keys/signer';

// Set once the keys exist: a rotation record is signed at its createdAt, which must fall within the keys' life.
let CREATED_AT: string;

describe('key rotation record', () => {
  let oldPair: Awaited<ReturnType<typeof generateDemoKeys>>;
  let newPair: Awaited<ReturnType<typeof generateDemoKeys>>;
  let oldKey: PrivateKey;
  let newKey: PrivateKey;
  let otherKey: PrivateKey;
  let signed: SignedKeyRotation;

  beforeAll(async () => {
    oldPair = await generateDemoKeys({ name: 'Old Archiver', email: 'old@example.invalid' });
    newPair = await generateDemoKeys({ name: 'New Archiver', email: 'new@example.invalid' });
    oldKey = await readSigningKey(oldPair.privateKey);
    newKey = await readSigningKey(newPair.privateKey);
    otherKey = await readSigningKey(
      (await generateDemoKeys({ name: 'Other', email: 'other@example.invalid' })).privateKey,
    );
    CREATED_AT = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
    signed = (
      await signKeyRotation(fileSigner(oldKey), fileSigner(newKey), {
        createdAt: CREATED_AT,
        reason: 'yearly',
      })
    ).signed;
  });

  it('round trip: names both keys, carries the new public key, and checks with both public keys', async () => {
    const rotation = await checkKeyRotation(signed, oldKey.toPublic(), newKey.toPublic());
    expect(rotation).toEqual({
      format: 'snapseal-key-rotation/1',
      fromFingerprint: oldPair.fingerprint,
      toFingerprint: newPair.fingerprint,
      toPublicKey: newKey.toPublic().armor(),
      createdAt: CREATED_AT,
      reason: 'yearly',
    });
    // Canonical bytes: parsing and serialising again gives the very bytes that were signed.
    expect(serializeKeyRotation(parseKeyRotation(signed.bytes)).equals(Buffer.from(signed.bytes))).toBe(true);
  });

  it('checks by hand with gpg --verify, one signature by each key', async () => {
    await withGnupg(async (gpg, dir) => {
      await writeFile(join(dir, 'keys.asc'), `${oldPair.publicKey}\n${newPair.publicKey}`);
      await writeFile(join(dir, 'rotation.json'), signed.bytes);
      await writeFile(join(dir, 'old-key.asc'), signed.oldKeySignature);
      await writeFile(join(dir, 'new-key.asc'), signed.newKeySignature);
      await gpg(['--import', join(dir, 'keys.asc')]);
      const verify = async (sig: string) =>
        Buffer.from((await gpg(['--verify', join(dir, sig), join(dir, 'rotation.json')])).stderr).toString();
      expect(await verify('old-key.asc')).toContain(
        'Good signature from "Old Archiver <old@example.invalid>"',
      );
      expect(await verify('new-key.asc')).toContain(
        'Good signature from "New Archiver <new@example.invalid>"',
      );
    });
  });

  it('is refused when the handover is not signed by the old key', async () => {
    const byOther = await signKeyRotationBytes(signed.bytes, fileSigner(otherKey), fileSigner(newKey));
    await expect(
      checkKeyRotation(
        { ...signed, oldKeySignature: byOther.oldKeySignature },
        oldKey.toPublic(),
        newKey.toPublic(),
      ),
    ).rejects.toThrow(`it is not signed by the old key ${oldPair.fingerprint}`);
    // Nor does the new key's signature stand in for the old key's.
    await expect(
      checkKeyRotation(
        { ...signed, oldKeySignature: signed.newKeySignature },
        oldKey.toPublic(),
        newKey.toPublic(),
      ),
    ).rejects.toThrow(`it is not signed by the old key ${oldPair.fingerprint}`);
  });

  it('is refused when the new key did not sign it (no cross-certification)', async () => {
    const byOther = await signKeyRotationBytes(signed.bytes, fileSigner(oldKey), fileSigner(otherKey));
    await expect(
      checkKeyRotation(
        { ...signed, newKeySignature: byOther.newKeySignature },
        oldKey.toPublic(),
        newKey.toPublic(),
      ),
    ).rejects.toThrow(`it is not signed by the new key ${newPair.fingerprint}`);
  });

  it('is refused when the body was changed after signing', async () => {
    const text = Buffer.from(signed.bytes).toString('utf8');
    const tampered = Buffer.from(text.replace('"reason": "yearly"', '"reason": "compromised"'), 'utf8');
    expect(tampered.equals(Buffer.from(signed.bytes))).toBe(false);
    await expect(
      checkKeyRotation({ ...signed, bytes: tampered }, oldKey.toPublic(), newKey.toPublic()),
    ).rejects.toThrow(
      `it is not signed by the old key ${oldPair.fingerprint} (signature by key ${oldPair.fingerprint.slice(-16)} is not valid for this key rotation record`,
    );
  });

  it('is refused for another pair of keys than the record names, even when both signatures are good', async () => {
    const other = (await signKeyRotation(fileSigner(oldKey), fileSigner(otherKey), { createdAt: CREATED_AT }))
      .signed;
    await expect(checkKeyRotation(other, oldKey.toPublic(), newKey.toPublic())).rejects.toThrow(
      `it records a rotation from ${oldPair.fingerprint} to ${fingerprint(otherKey)}, not from ${oldPair.fingerprint} to ${newPair.fingerprint}`,
    );
  });

  it('is refused when it carries another public key than the fingerprint it names', async () => {
    const rotation = parseKeyRotation(signed.bytes);
    const bytes = serializeKeyRotation({ ...rotation, toPublicKey: otherKey.toPublic().armor() });
    const resigned = await signKeyRotationBytes(bytes, fileSigner(oldKey), fileSigner(newKey));
    await expect(checkKeyRotation(resigned, oldKey.toPublic(), newKey.toPublic())).rejects.toThrow(
      `it names the new key ${newPair.fingerprint} but carries the public key ${fingerprint(otherKey)}`,
    );
  });

  it('refuses to rotate a key to itself, and says where a malformed record is wrong', async () => {
    await expect(
      signKeyRotation(fileSigner(oldKey), fileSigner(oldKey), { createdAt: CREATED_AT }),
    ).rejects.toThrow('the old and the new key are the same key');
    expect(() => parseKeyRotation(Buffer.from('{"format":"snapseal-key-rotation/1"}'))).toThrow(
      'the key rotation record is malformed at fromFingerprint',
    );
    expect(() => parseKeyRotation(Buffer.from('{'))).toThrow('not valid JSON');
  });
});
