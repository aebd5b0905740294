// deploy/iam: the sealing role may use its KMS key for exactly what snapseal does with it (read the public key,
// sign) and nothing else: no other action, no other key, no wildcard.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kmsKeyArn, renderRolePolicy } from '../../../src/setup/role-policies';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: unknown;
}

const policy = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', 'deploy', 'iam', 'seal-worker-kms.json'), 'utf8'),
) as { Version: string; Statement: Statement[] };

describe('deploy/iam/seal-worker-kms.json', () => {
  it('allows kms:GetPublicKey and kms:Sign, on one key named by its ARN, and nothing else', () => {
    expect(policy.Version).toBe('2012-10-17');
    const actions = policy.Statement.flatMap((s) => [s.Action].flat());
    expect(actions.sort()).toEqual(['kms:GetPublicKey', 'kms:Sign']);
    for (const statement of policy.Statement) {
      expect(statement.Effect).toBe('Allow');
      const resources = [statement.Resource].flat();
      expect(resources).toHaveLength(1);
      // A key ARN (filled in by snapseal iam-policy), not an alias (it can be pointed at another key), no wildcard.
      expect(resources[0]).toBe('{{KMS_KEY_ARN}}');
    }
  });
});

describe('snapseal iam-policy seal-worker with a KMS key', () => {
  const places = {
    archiveBucket: 'a-archive',
    archivePrefix: 'archives/',
    stagingBucket: 'a-staging',
    stagingPrefix: 'staging/',
    witnessPrefix: 'witness/',
  };
  it('adds kms:Sign and kms:GetPublicKey on that key only', () => {
    const arn = kmsKeyArn('1234abcd-12ab-34cd-56ef-1234567890ab', 'eu-central-1', '123456789012');
    expect(arn).toBe('arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const doc = renderRolePolicy('seal-worker', { ...places, kmsKeyArn: arn });
    const kms = doc.Statement.filter((s) => [s.Action].flat().some((a) => a.startsWith('kms:')));
    expect(kms.map((s) => s.Resource)).toEqual([arn]);
    expect(JSON.stringify(renderRolePolicy('stream-worker', { ...places, kmsKeyArn: arn }))).not.toContain(
      'kms:',
    );
  });
  it('refuses an alias and a bare key id without account and region', () => {
    expect(() => kmsKeyArn('alias/archiver', 'eu-central-1', '123456789012')).toThrow(/alias/);
    expect(() => kmsKeyArn('1234abcd', undefined, undefined)).toThrow(/--account-id/);
  });
});
