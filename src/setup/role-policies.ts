// The S3 policy of each credential snapseal's deployment uses, one per role, so whoever holds one can do only
// that role's job. The statements live in deploy/iam/<role>.json (AWS IAM JSON with {{PLACEHOLDERS}} for the
// buckets and prefixes); deploy/iam/data-perimeter.json adds what a security team expects on AWS (TLS only,
// buckets of the own account). The local stack applies the same statements as MinIO users.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const POLICY_ROLES = [
  'stream-worker',
  'archive-worker',
  'seal-worker',
  'witness-writer',
  'restore-worker',
  'verifier',
  'cluster-repository',
] as const;
export type PolicyRole = (typeof POLICY_ROLES)[number];

export interface PolicyPlaces {
  archiveBucket: string;
  archivePrefix: string;
  stagingBucket: string;
  stagingPrefix: string;
  /** Undefined without a witness: statements on the witness bucket are left out (the witness writer refuses). */
  witnessBucket?: string;
  witnessPrefix: string;
  /** The AWS account owning the buckets; with it the data perimeter is added. */
  accountId?: string;
}

interface Statement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: Statement[];
}

export class PolicyRenderError extends Error {
  override name = 'PolicyRenderError';
}

const IAM_DIR = join(__dirname, '..', '..', 'deploy', 'iam');

function template(name: string): PolicyDocument {
  return JSON.parse(readFileSync(join(IAM_DIR, `${name}.json`), 'utf8')) as PolicyDocument;
}

/** Every {{NAME}} in a template, filled; a name without a value is an error naming it. */
function fill(text: string, values: Record<string, string | undefined>): string {
  return text.replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new PolicyRenderError(`No value for {{${name}}}`);
    return value;
  });
}

/**
 * The policy of `role` for these buckets. Without an account id the data perimeter is left out (what the local
 * stack applies: MinIO speaks plain HTTP on loopback and knows no accounts).
 */
export function renderRolePolicy(role: PolicyRole, places: PolicyPlaces): PolicyDocument {
  if (role === 'witness-writer' && places.witnessBucket === undefined) {
    throw new PolicyRenderError(
      'The witness writer needs a witness bucket: set SNAPSEAL_WITNESS_BUCKET (snapseal setup creates it)',
    );
  }
  const doc = template(role);
  const usesWitness = (s: Statement): boolean => JSON.stringify(s.Resource).includes('{{WITNESS_BUCKET}}');
  const statements = [
    ...doc.Statement.filter((s) => places.witnessBucket !== undefined || !usesWitness(s)),
    ...(places.accountId !== undefined ? template('data-perimeter').Statement : []),
  ];
  const values = {
    ARCHIVE_BUCKET: places.archiveBucket,
    ARCHIVE_PREFIX: places.archivePrefix,
    STAGING_BUCKET: places.stagingBucket,
    STAGING_PREFIX: places.stagingPrefix,
    WITNESS_BUCKET: places.witnessBucket,
    WITNESS_PREFIX: places.witnessPrefix,
    ACCOUNT_ID: places.accountId,
  };
  return JSON.parse(fill(JSON.stringify({ ...doc, Statement: statements }), values)) as PolicyDocument;
}
