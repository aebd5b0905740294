import { POLICY_ROLES, PolicyRenderError, renderRolePolicy } from '../../../src/setup/role-policies';

const places = {
  archiveBucket: 'team-archive',
  archivePrefix: 'archives/',
  stagingBucket: 'team-staging',
  stagingPrefix: 'staging/',
  witnessBucket: 'team-witness',
  witnessPrefix: 'witness/',
};

const actionsOn = (doc: ReturnType<typeof renderRolePolicy>, resource: RegExp): string[] =>
  doc.Statement.filter(
    (s) => s.Effect === 'Allow' && [s.Resource].flat().some((r) => resource.test(r)),
  ).flatMap((s) => [s.Action].flat());

describe('role policies (deploy/iam)', () => {
  it.each(POLICY_ROLES)('%s renders with every placeholder filled', (role) => {
    const text = JSON.stringify(renderRolePolicy(role, places));
    expect(text).not.toMatch(/\{\{/);
  });

  it('only the witness writer may write the witness bucket, and it may delete nothing there', () => {
    for (const role of POLICY_ROLES) {
      const writes = actionsOn(renderRolePolicy(role, places), /team-witness/).filter((a) =>
        /Put|Delete/.test(a),
      );
      expect([role, writes]).toEqual([
        role,
        role === 'witness-writer' ? ['s3:PutObject', 's3:PutObjectRetention'] : [],
      ]);
    }
    const denied = renderRolePolicy('witness-writer', places).Statement.filter((s) => s.Effect === 'Deny');
    expect(denied.flatMap((s) => [s.Action].flat())).toEqual(
      expect.arrayContaining(['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:BypassGovernanceRetention']),
    );
  });

  it('streaming workers write volumes and their records only', () => {
    const doc = renderRolePolicy('stream-worker', places);
    const writable = doc.Statement.filter((s) => [s.Action].flat().includes('s3:PutObject')).flatMap((s) =>
      [s.Resource].flat(),
    );
    expect(writable.sort()).toEqual([
      'arn:aws:s3:::team-archive/archives/*/volume-*.tar.gpg',
      'arn:aws:s3:::team-staging/staging/*/work/volume-*.tar.gpg.json',
    ]);
  });

  it('adds the data perimeter with an account id', () => {
    const doc = renderRolePolicy('seal-worker', { ...places, accountId: '123456789012' });
    const sids = doc.Statement.map((s) => s.Sid);
    expect(sids).toEqual(expect.arrayContaining(['TlsOnly', 'OwnBucketsOnly']));
    expect(JSON.stringify(doc)).toContain('"s3:ResourceAccount":"123456789012"');
    expect(renderRolePolicy('seal-worker', places).Statement.map((s) => s.Sid)).not.toContain('TlsOnly');
  });

  it('leaves the witness out without one, and refuses a witness writer without a witness', () => {
    const noWitness = { ...places, witnessBucket: undefined };
    expect(JSON.stringify(renderRolePolicy('verifier', noWitness))).not.toContain('witness');
    expect(() => renderRolePolicy('witness-writer', noWitness)).toThrow(PolicyRenderError);
    expect(() => renderRolePolicy('witness-writer', noWitness)).toThrow(/SNAPSEAL_WITNESS_BUCKET/);
  });
});
