// The local KMS-compatible server (scripts/kms.sh, local-kms on 127.0.0.1:4599) for tests: where it is, and
// keys made on it. It checks no IAM permissions, so any credentials do.
import { CreateKeyCommand, KMSClient, type KeySpec, type KeyUsageType } from '@aws-sdk/client-kms';

export const LOCAL_KMS = {
  endpoint: process.env.SNAPSEAL_KMS_ENDPOINT || 'http://127.0.0.1:4599',
  region: process.env.SNAPSEAL_KMS_REGION || 'us-east-1',
};

/** Credentials for the AWS SDK's default chain (the worker's KMS client reads them from the environment). */
export const LOCAL_KMS_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };

export function localKmsClient(): KMSClient {
  return new KMSClient({
    ...LOCAL_KMS,
    credentials: {
      accessKeyId: LOCAL_KMS_CREDENTIALS.AWS_ACCESS_KEY_ID,
      secretAccessKey: LOCAL_KMS_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
    },
  });
}

/** A new key on the local KMS; its ARN. Fails with what to run when the server is not up. */
export async function createLocalKmsKey(
  client: KMSClient,
  spec: KeySpec,
  usage: KeyUsageType = 'SIGN_VERIFY',
): Promise<string> {
  try {
    const made = await client.send(new CreateKeyCommand({ KeySpec: spec, KeyUsage: usage }));
    return made.KeyMetadata!.Arn!;
  } catch (err) {
    throw new Error(
      `the local KMS at ${LOCAL_KMS.endpoint} did not create a key (${(err as Error).message}): run scripts/kms.sh up`,
      { cause: err },
    );
  }
}
