// The settings of the archiver key in AWS KMS: the key, its fixed OpenPGP creation time, where KMS is; a file key
// and a KMS key are never both set, and a KMS key without its creation time is refused before anything starts.
import { loadConfig } from '../../../src/config';
import { rolesForKeys } from '../../../src/keys/load-archive-keys';

const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

const problems = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (err) {
    return (err as Error).message;
  }
  return '';
};

describe('SNAPSEAL_SIGNING_KMS_KEY_ID and its settings', () => {
  it('reads the key, its creation time and the KMS location', () => {
    const { keys } = loadConfig({
      SNAPSEAL_SIGNING_KMS_KEY_ID: KEY,
      SNAPSEAL_SIGNING_KMS_KEY_CREATED_AT: '2026-12-01T00:00:00Z',
      SNAPSEAL_KMS_REGION: 'eu-west-1',
      SNAPSEAL_KMS_ENDPOINT: 'http://127.0.0.1:4599',
      SNAPSEAL_RECIPIENT_KEY_FILES: 'recipient.asc',
    });
    expect(keys.signingKms).toEqual({ keyId: KEY, createdAt: new Date('2026-12-01T00:00:00Z') });
    expect(keys.kms).toEqual({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:4599' });
    expect(keys.signingKeyFile).toBeUndefined();
    expect(rolesForKeys(keys)).toContain('seal');
  });

  it('defaults to no KMS key, and the AWS SDK’s own region and endpoint', () => {
    const { keys } = loadConfig({});
    expect(keys.signingKms).toBeUndefined();
    expect(keys.kms).toEqual({ region: undefined, endpoint: undefined });
  });

  it('refuses a file key and a KMS key at once', () => {
    expect(
      problems({
        SNAPSEAL_SIGNING_KEY_FILE: '/etc/snapseal/archiver.sec.asc',
        SNAPSEAL_SIGNING_KMS_KEY_ID: KEY,
        SNAPSEAL_SIGNING_KMS_KEY_CREATED_AT: '2026-12-01T00:00:00Z',
      }),
    ).toContain(
      'SNAPSEAL_SIGNING_KEY_FILE and SNAPSEAL_SIGNING_KMS_KEY_ID are both set: the archiver key is a file or a KMS key, set one of them',
    );
  });

  it('refuses a KMS key without its fixed creation time, and a creation time that is not one', () => {
    expect(problems({ SNAPSEAL_SIGNING_KMS_KEY_ID: KEY })).toContain(
      'SNAPSEAL_SIGNING_KMS_KEY_ID is set but SNAPSEAL_SIGNING_KMS_KEY_CREATED_AT is empty',
    );
    expect(
      problems({ SNAPSEAL_SIGNING_KMS_KEY_ID: KEY, SNAPSEAL_SIGNING_KMS_KEY_CREATED_AT: '2026-12-01' }),
    ).toContain(
      'SNAPSEAL_SIGNING_KMS_KEY_CREATED_AT="2026-12-01": expected a UTC time to the second such as 2026-12-01T00:00:00Z',
    );
    expect(problems({ SNAPSEAL_KMS_ENDPOINT: '127.0.0.1:4599' })).toContain(
      'SNAPSEAL_KMS_ENDPOINT="127.0.0.1:4599": expected a URL',
    );
  });
});
