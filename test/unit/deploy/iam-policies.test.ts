// deploy/iam: the sealing role may use its KMS key for exactly what snapseal does with it (read the public key,
// sign) and nothing else: no other action, no other key, no wildcard.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: unknown;
}

const policy = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', 'deploy', 'iam', 'sealing-role-kms.json'), 'utf8'),
) as { Version: string; Statement: Statement[] };

describe('deploy/iam/sealing-role-kms.json', () => {
  it('allows kms:GetPublicKey and kms:Sign, on one key named by its ARN, and nothing else', () => {
    expect(policy.Version).toBe('2012-10-17');
    const actions = policy.Statement.flatMap((s) => [s.Action].flat());
    expect(actions.sort()).toEqual(['kms:GetPublicKey', 'kms:Sign']);
    for (const statement of policy.Statement) {
      expect(statement.Effect).toBe('Allow');
      const resources = [statement.Resource].flat();
      expect(resources).toHaveLength(1);
      // A key ARN, not an alias (an alias can be pointed at another key) and no wildcard.
      expect(resources[0]).toMatch(/^arn:aws:kms:[A-Z_a-z0-9-]+:[A-Z_0-9]+:key\/[A-Z_a-z0-9-]+$/);
    }
  });
});
