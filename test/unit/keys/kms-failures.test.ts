// What the worker says when KMS refuses or cannot be reached: the reason and what to do, with the AWS error's
// own name and message. (The local KMS enforces no IAM, so access denied and missing credentials are shown here;
// the other refusals run against it in test/integration/kms-signing.test.ts.)
import { describeKmsFailure } from '../../../src/keys/kms-signer';

const aws = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('describeKmsFailure', () => {
  const location = { region: 'eu-west-1', endpoint: undefined };

  it('access denied: the permissions to grant and where the policy is', () => {
    expect(
      describeKmsFailure(
        aws(
          'AccessDeniedException',
          'User: arn:aws:sts::1:assumed-role/seal/i-1 is not authorized to perform: kms:Sign',
        ),
        location,
      ),
    ).toBe(
      "this host's AWS credentials may not use the key (AccessDeniedException: User: arn:aws:sts::1:assumed-role/seal/i-1 is not authorized to perform: kms:Sign): allow kms:GetPublicKey and kms:Sign on this key in the sealing role's policy (deploy/iam/seal-worker-kms.json, or snapseal iam-policy seal-worker)",
    );
  });

  it('no credentials, no region, a network failure', () => {
    expect(
      describeKmsFailure(
        aws('CredentialsProviderError', 'Could not load credentials from any providers'),
        location,
      ),
    ).toMatch(/^no valid AWS credentials \(CredentialsProviderError: .*\): give the host a role/);
    expect(
      describeKmsFailure(aws('Error', 'Region is missing'), { region: undefined, endpoint: undefined }),
    ).toBe(
      'no region for the KMS client (Error: Region is missing): set SNAPSEAL_KMS_REGION (or AWS_REGION)',
    );
    expect(
      describeKmsFailure(
        Object.assign(aws('Error', 'connect ETIMEDOUT 10.0.0.1:443'), { code: 'ETIMEDOUT' }),
        location,
      ),
    ).toBe(
      'KMS is unreachable at AWS KMS in eu-west-1 (Error: connect ETIMEDOUT 10.0.0.1:443): check SNAPSEAL_KMS_ENDPOINT, SNAPSEAL_KMS_REGION and the network path to KMS',
    );
  });

  it('anything else: the AWS error as it was', () => {
    expect(describeKmsFailure(aws('ThrottlingException', 'Rate exceeded'), location)).toBe(
      'ThrottlingException: Rate exceeded',
    );
  });
});
