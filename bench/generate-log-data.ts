// Generated log documents for the bench: VPC flow, load balancer and CloudTrail records with the entropy of
// real ones (resource ids, addresses, ARNs, request ids, user agents), so the index compresses like real data.
// A seeded generator: the same seed gives the same documents.
import { seededRandom } from '../src/demo/audit-log-generator';

export type LogKind = 'vpcflow' | 'alb' | 'cloudtrail';

/** Share of each kind in the data set (VPC flow logs dominate a typical account's volume). */
export const LOG_KIND_SHARE: Record<LogKind, number> = { vpcflow: 0.5, alb: 0.3, cloudtrail: 0.2 };

type Random = () => number;

const HEX = '0123456789abcdef';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function chars(r: Random, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(r() * alphabet.length)];
  return out;
}

const hex = (r: Random, length: number): string => chars(r, HEX, length);
const int = (r: Random, below: number): number => Math.floor(r() * below);
const pick = <T>(r: Random, items: readonly T[]): T => items[int(r, items.length)] as T;
const uuid = (r: Random): string =>
  `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-${pick(r, ['8', '9', 'a', 'b'])}${hex(r, 3)}-${hex(r, 12)}`;
const privateIp = (r: Random): string => `10.${int(r, 16)}.${int(r, 256)}.${1 + int(r, 254)}`;
const publicIp = (r: Random): string =>
  `${pick(r, [3, 18, 34, 52, 54, 81, 91, 104, 142, 185, 203])}.${int(r, 256)}.${int(r, 256)}.${1 + int(r, 254)}`;

// Fixed pools, drawn once from their own seed: a few accounts, VPCs and load balancers, many instances.
const pools = (() => {
  const r = seededRandom(20261120);
  const accounts = Array.from({ length: 12 }, () => String(100000000000 + int(r, 899999999999)));
  return {
    accounts,
    vpcs: Array.from({ length: 30 }, () => `vpc-${hex(r, 17)}`),
    subnets: Array.from({ length: 120 }, () => `subnet-${hex(r, 17)}`),
    instances: Array.from({ length: 2000 }, () => `i-${hex(r, 17)}`),
    enis: Array.from({ length: 4000 }, () => `eni-${hex(r, 17)}`),
    albs: Array.from(
      { length: 8 },
      () => `app/${pick(r, ['web', 'api', 'shop', 'auth'])}-prod/${hex(r, 16)}`,
    ),
    roles: Array.from(
      { length: 40 },
      () => `${pick(r, ['deploy', 'ci', 'app', 'ops', 'audit'])}-${hex(r, 6)}`,
    ),
    users: Array.from(
      { length: 60 },
      () => `${pick(r, ['alice', 'bob', 'carol', 'dave', 'erin'])}.${hex(r, 4)}`,
    ),
    buckets: Array.from(
      { length: 25 },
      () => `${pick(r, ['logs', 'data', 'assets', 'backup'])}-${hex(r, 10)}`,
    ),
  };
})();

const REGIONS = ['eu-west-1', 'eu-central-1', 'us-east-1', 'us-west-2', 'ap-southeast-2'];
const AZS = ['euw1-az1', 'euw1-az2', 'euw1-az3', 'use1-az4', 'use1-az6'];
const HOSTS = ['shop.example.com', 'api.example.com', 'auth.example.com', 'cdn.example.net'];
const PATHS = [
  '/',
  '/login',
  '/logout',
  '/api/v2/orders',
  '/api/v2/users',
  '/api/v2/cart',
  '/static/js/app.js',
];
const TLS_CIPHERS = ['ECDHE-RSA-AES128-GCM-SHA256', 'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384'];
const TRAIL = [
  ['s3.amazonaws.com', 'GetObject'],
  ['s3.amazonaws.com', 'PutObject'],
  ['sts.amazonaws.com', 'AssumeRole'],
  ['ec2.amazonaws.com', 'DescribeInstances'],
  ['ec2.amazonaws.com', 'RunInstances'],
  ['iam.amazonaws.com', 'AttachRolePolicy'],
  ['kms.amazonaws.com', 'Decrypt'],
  ['signin.amazonaws.com', 'ConsoleLogin'],
] as const;

function userAgent(r: Random): string {
  const v = (major: number): string => `${major + int(r, 8)}.${int(r, 10)}.${int(r, 200)}`;
  switch (int(r, 6)) {
    case 0:
      return `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v(118)}.${int(r, 200)} Safari/537.36`;
    case 1:
      return `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${v(16)} Safari/605.1.15`;
    case 2:
      return `Mozilla/5.0 (X11; Linux x86_64; rv:${120 + int(r, 10)}.0) Gecko/20100101 Firefox/${120 + int(r, 10)}.0`;
    case 3:
      return `aws-cli/2.${int(r, 20)}.${int(r, 40)} Python/3.11.${int(r, 9)} Linux/5.15.0-${int(r, 120)}-generic exe/x86_64.ubuntu.22`;
    case 4:
      return `Boto3/1.${28 + int(r, 8)}.${int(r, 90)} md/Botocore#1.${31 + int(r, 5)}.${int(r, 90)} ua/2.0 os/linux#6.1 lang/python#3.12.${int(r, 5)}`;
    default:
      return `okhttp/4.${int(r, 13)}.${int(r, 4)}`;
  }
}

function isoAt(dayStartMs: number, r: Random): { ms: number; iso: string } {
  const ms = dayStartMs + int(r, 86_400_000);
  return { ms, iso: new Date(ms).toISOString() };
}

function vpcFlow(dayStartMs: number, r: Random): Record<string, unknown> {
  const t = isoAt(dayStartMs, r);
  const start = Math.floor(t.ms / 1000);
  const account = pick(r, pools.accounts);
  const inbound = r() < 0.5;
  return {
    '@timestamp': t.iso,
    version: 5,
    account_id: account,
    interface_id: pick(r, pools.enis),
    srcaddr: inbound ? publicIp(r) : privateIp(r),
    dstaddr: inbound ? privateIp(r) : publicIp(r),
    srcport: inbound ? 1024 + int(r, 64511) : pick(r, [443, 80, 22, 5432, 6379, 9200]),
    dstport: inbound ? pick(r, [443, 80, 22, 5432, 6379, 9200]) : 1024 + int(r, 64511),
    protocol: pick(r, [6, 6, 6, 17, 1]),
    packets: 1 + int(r, 2000),
    bytes: 40 + int(r, 3_000_000),
    start,
    end: start + int(r, 60),
    action: r() < 0.9 ? 'ACCEPT' : 'REJECT',
    log_status: 'OK',
    vpc_id: pick(r, pools.vpcs),
    subnet_id: pick(r, pools.subnets),
    instance_id: pick(r, pools.instances),
    tcp_flags: pick(r, [2, 18, 19, 3, 1]),
    type: 'IPv4',
    region: pick(r, REGIONS),
    az_id: pick(r, AZS),
    flow_direction: inbound ? 'ingress' : 'egress',
    traffic_path: int(r, 8) + 1,
  };
}

function alb(dayStartMs: number, r: Random): Record<string, unknown> {
  const t = isoAt(dayStartMs, r);
  const account = pick(r, pools.accounts);
  const region = pick(r, REGIONS);
  const status = pick(
    r,
    [200, 200, 200, 200, 201, 204, 301, 302, 304, 400, 401, 403, 404, 429, 500, 502, 503],
  );
  const host = pick(r, HOSTS);
  const method = pick(r, ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE']);
  const traceSeconds = Math.floor(t.ms / 1000).toString(16);
  return {
    '@timestamp': t.iso,
    type: pick(r, ['https', 'h2']),
    elb: pick(r, pools.albs),
    client_ip: publicIp(r),
    client_port: 1024 + int(r, 64511),
    target_ip: privateIp(r),
    target_port: pick(r, [8080, 8443, 3000]),
    request_processing_time: int(r, 1000) / 1e6,
    target_processing_time: int(r, 900_000) / 1e6,
    response_processing_time: int(r, 1000) / 1e6,
    elb_status_code: status,
    target_status_code: status,
    received_bytes: 200 + int(r, 8000),
    sent_bytes: 150 + int(r, 400_000),
    request: `${method} https://${host}:443${pick(r, PATHS)}?session=${hex(r, 16)}&page=${int(r, 50)} HTTP/2.0`,
    user_agent: userAgent(r),
    ssl_cipher: pick(r, TLS_CIPHERS),
    ssl_protocol: pick(r, ['TLSv1.2', 'TLSv1.3']),
    target_group_arn: `arn:aws:elasticloadbalancing:${region}:${account}:targetgroup/${pick(r, ['web', 'api'])}-tg/${hex(r, 16)}`,
    trace_id: `Root=1-${traceSeconds}-${hex(r, 24)}`,
    domain_name: host,
    chosen_cert_arn: `arn:aws:acm:${region}:${account}:certificate/${uuid(r)}`,
    matched_rule_priority: int(r, 50),
    actions_executed: pick(r, ['forward', 'waf,forward', 'redirect', 'authenticate,forward']),
    classification: r() < 0.98 ? '' : 'Ambiguous',
  };
}

function cloudtrail(dayStartMs: number, r: Random): Record<string, unknown> {
  const t = isoAt(dayStartMs, r);
  const account = pick(r, pools.accounts);
  const region = pick(r, REGIONS);
  const [source, name] = pick(r, TRAIL);
  const role = pick(r, pools.roles);
  const session = pick(r, pools.users);
  const roleArn = `arn:aws:iam::${account}:role/${role}`;
  const bucket = pick(r, pools.buckets);
  const objectKey = `${pick(r, ['AWSLogs', 'exports', 'uploads'])}/${account}/${t.iso.slice(0, 10)}/${hex(r, 20)}.json.gz`;
  const denied = r() < 0.04;
  return {
    '@timestamp': t.iso,
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROA${chars(r, UPPER_ALNUM, 17)}:${session}`,
      arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
      accountId: account,
      accessKeyId: `ASIA${chars(r, UPPER_ALNUM, 16)}`,
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: `AROA${chars(r, UPPER_ALNUM, 17)}`, arn: roleArn },
        attributes: { creationDate: t.iso, mfaAuthenticated: r() < 0.3 ? 'true' : 'false' },
      },
    },
    eventTime: t.iso,
    eventSource: source,
    eventName: name,
    awsRegion: region,
    sourceIPAddress: r() < 0.7 ? publicIp(r) : `${source}`,
    userAgent: userAgent(r),
    errorCode: denied ? 'AccessDenied' : undefined,
    errorMessage: denied
      ? `User: arn:aws:sts::${account}:assumed-role/${role}/${session} is not authorized`
      : undefined,
    requestParameters:
      source === 's3.amazonaws.com'
        ? { bucketName: bucket, key: objectKey, Host: `${bucket}.s3.${region}.amazonaws.com` }
        : { roleArn, roleSessionName: session, durationSeconds: pick(r, [900, 3600, 43200]) },
    responseElements: null,
    requestID: chars(r, UPPER_ALNUM, 16),
    eventID: uuid(r),
    readOnly: name.startsWith('Get') || name.startsWith('Describe'),
    resources: [
      {
        ARN: source === 's3.amazonaws.com' ? `arn:aws:s3:::${bucket}/${objectKey}` : roleArn,
        accountId: account,
        type: source === 's3.amazonaws.com' ? 'AWS::S3::Object' : 'AWS::IAM::Role',
      },
    ],
    eventType: 'AwsApiCall',
    managementEvent: source !== 's3.amazonaws.com',
    recipientAccountId: account,
    eventCategory: source === 's3.amazonaws.com' ? 'Data' : 'Management',
    tlsDetails: {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: `${source.split('.')[0]}.${region}.amazonaws.com`,
    },
  };
}

const GENERATORS: Record<LogKind, (dayStartMs: number, r: Random) => Record<string, unknown>> = {
  vpcflow: vpcFlow,
  alb,
  cloudtrail,
};

/** A generator of documents of one kind for one day; `seed` tells batches apart (same seed, same documents). */
export function logDocuments(kind: LogKind, date: string, seed: number): () => Record<string, unknown> {
  const r = seededRandom(seed);
  const dayStartMs = Date.parse(`${date}T00:00:00Z`);
  const generate = GENERATORS[kind];
  return () => generate(dayStartMs, r);
}

/** Index mappings: strings are keywords (as in most log pipelines), addresses are `ip`, times are dates. */
export function logIndexMappings(kind: LogKind): Record<string, unknown> {
  const ipFields: Record<LogKind, string[]> = {
    vpcflow: ['srcaddr', 'dstaddr'],
    alb: ['client_ip', 'target_ip'],
    cloudtrail: [],
  };
  return {
    dynamic_templates: [
      { strings: { match_mapping_type: 'string', mapping: { type: 'keyword', ignore_above: 1024 } } },
    ],
    properties: {
      '@timestamp': { type: 'date' },
      ...Object.fromEntries(ipFields[kind].map((f) => [f, { type: 'ip' }])),
      ...(kind === 'cloudtrail' ? { eventTime: { type: 'date' }, sourceIPAddress: { type: 'keyword' } } : {}),
    },
  };
}
