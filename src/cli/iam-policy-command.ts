// `snapseal iam-policy <role>`: the S3 policy of one role (deploy/iam), filled in with this deployment's buckets
// and prefixes, ready for `aws iam put-role-policy` (with --account-id, the data perimeter comes with it).
import type { Command } from 'commander';
import { POLICY_ROLES, PolicyRenderError, renderRolePolicy, type PolicyRole } from '../setup/role-policies';
import { configFrom, type GlobalOptions } from './cli-context';
import { UsageError } from './usage-error';

export function registerIamPolicyCommand(program: Command): void {
  program
    .command('iam-policy')
    .description(`print the S3 policy of a role: ${POLICY_ROLES.join(', ')}`)
    .argument('<role>', 'the role whose credentials the policy is for')
    .option(
      '--account-id <id>',
      'the AWS account owning the buckets: adds the data perimeter (TLS only, own buckets)',
    )
    .action((role: string, opts: { accountId?: string }) => {
      if (!(POLICY_ROLES as readonly string[]).includes(role))
        throw new UsageError(`Unknown role "${role}": expected one of ${POLICY_ROLES.join(', ')}`);
      if (opts.accountId !== undefined && !/^\d{12}$/.test(opts.accountId))
        throw new UsageError(`--account-id must be a 12-digit AWS account id, not "${opts.accountId}"`);
      const config = configFrom(program.opts<GlobalOptions>());
      const render = (): ReturnType<typeof renderRolePolicy> => {
        try {
          return renderRolePolicy(role as PolicyRole, places);
        } catch (err) {
          if (err instanceof PolicyRenderError) throw new UsageError(err.message);
          throw err;
        }
      };
      const places = {
        archiveBucket: config.archive.bucket,
        archivePrefix: config.archive.prefix,
        stagingBucket: config.staging.bucket,
        stagingPrefix: config.staging.prefix,
        witnessBucket: config.witness?.bucket,
        witnessPrefix: config.witness?.prefix ?? '',
        accountId: opts.accountId,
      };
      const policy = render();
      // JSON either way: the policy document is the output.
      process.stdout.write(`${JSON.stringify(policy, null, 2)}\n`);
    });
}
