// rotate-key takes each key as a file or as a KMS key, one of them, and a KMS key's creation time; a missing or
// doubled choice is a usage error before anything is read or written.
import { rotateKey } from '../../../src/cli/rotate-key-command';
import { loadConfig } from '../../../src/config';

describe('rotate-key key options', () => {
  const config = loadConfig({});

  it('needs each key as a file or a KMS key, not both, not neither', async () => {
    await expect(rotateKey(config, { newKeyFile: 'new.sec.asc' })).rejects.toThrow(
      'give the old key as --old-key-file <path> or as --old-kms-key <key id>, one of them',
    );
    await expect(
      rotateKey(config, {
        oldKeyFile: 'old.sec.asc',
        oldKmsKey: 'alias/archiver',
        newKeyFile: 'new.sec.asc',
      }),
    ).rejects.toThrow('give the old key as --old-key-file <path> or as --old-kms-key <key id>, one of them');
  });

  it('needs the creation time of a KMS key that is not the configured one', async () => {
    await expect(
      rotateKey(config, { oldKmsKey: 'alias/archiver', newKeyFile: 'new.sec.asc' }),
    ).rejects.toThrow('--old-kms-key-created-at <time>: give the OpenPGP creation time of alias/archiver');
  });
});
