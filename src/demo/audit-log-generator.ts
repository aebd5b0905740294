// Realistic sample audit logs for the demo and the tests: VPC flow, load balancer, CloudTrail and WAF style
// documents for one day, from a seeded generator so the same day always yields the same documents.

type Random = () => number;

/** A small deterministic PRNG (mulberry32): the same seed gives the same sample data everywhere. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: Random, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;
const ip = (r: Random, prefix = ''): string =>
  prefix +
  Array.from({ length: 4 - prefix.split('.').filter(Boolean).length }, () => Math.floor(r() * 254) + 1).join(
    '.',
  );

const ACCOUNTS = ['123456789012', '210987654321'];
const REGIONS = ['eu-west-1', 'us-east-1', 'eu-central-1'];
const TRAIL_EVENTS = [
  'ConsoleLogin',
  'AssumeRole',
  'GetObject',
  'PutObject',
  'CreateUser',
  'AttachRolePolicy',
  'StopInstances',
  'DescribeInstances',
];
const PATHS = [
  '/',
  '/login',
  '/api/v1/orders',
  '/api/v1/users/42',
  '/static/app.js',
  '/admin',
  '/wp-login.php',
  '/health',
];
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64)',
  'curl/8.5.0',
  'python-requests/2.32',
  'Go-http-client/2.0',
  'sqlmap/1.8',
];
const WAF_RULES = [
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesSQLiRuleSet',
  'RateLimit-1000',
  'GeoBlock',
];

export type AuditLogKind = 'vpcflow' | 'alb' | 'cloudtrail' | 'waf';

function timestamp(date: string, r: Random): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + Math.floor(r() * 86_400_000)).toISOString();
}

function vpcFlow(date: string, r: Random): Record<string, unknown> {
  const accepted = r() > 0.12;
  return {
    '@timestamp': timestamp(date, r),
    log_type: 'vpcflow',
    account_id: pick(r, ACCOUNTS),
    interface_id: `eni-${Math.floor(r() * 1e12).toString(16)}`,
    src_addr: ip(r, '10.0.'),
    dst_addr: r() > 0.5 ? ip(r, '10.0.') : ip(r),
    src_port: Math.floor(r() * 65535),
    dst_port: pick(r, [22, 80, 443, 3306, 5432, 9200, 53]),
    protocol: pick(r, [6, 17]),
    packets: Math.floor(r() * 500) + 1,
    bytes: Math.floor(r() * 900_000) + 40,
    action: accepted ? 'ACCEPT' : 'REJECT',
    log_status: 'OK',
  };
}

function alb(date: string, r: Random): Record<string, unknown> {
  const status = pick(r, [200, 200, 200, 201, 301, 304, 400, 403, 404, 500, 502]);
  return {
    '@timestamp': timestamp(date, r),
    log_type: 'alb',
    elb: 'app/prod-web/50dc6c495c0c9188',
    client_ip: ip(r),
    target_ip: ip(r, '10.0.'),
    request_method: pick(r, ['GET', 'GET', 'POST', 'PUT', 'DELETE']),
    request_url: `https://shop.example.com${pick(r, PATHS)}`,
    elb_status_code: status,
    target_status_code: status >= 500 ? pick(r, [500, 502, 504]) : status,
    request_processing_time: Math.round(r() * 1000) / 100000,
    received_bytes: Math.floor(r() * 4000),
    sent_bytes: Math.floor(r() * 90_000),
    user_agent: pick(r, AGENTS),
    ssl_protocol: 'TLSv1.3',
  };
}

function cloudtrail(date: string, r: Random): Record<string, unknown> {
  const event = pick(r, TRAIL_EVENTS);
  return {
    '@timestamp': timestamp(date, r),
    log_type: 'cloudtrail',
    eventVersion: '1.10',
    eventSource:
      event === 'ConsoleLogin'
        ? 'signin.amazonaws.com'
        : event.endsWith('Object')
          ? 's3.amazonaws.com'
          : 'iam.amazonaws.com',
    eventName: event,
    awsRegion: pick(r, REGIONS),
    sourceIPAddress: ip(r),
    userIdentity: {
      type: pick(r, ['IAMUser', 'AssumedRole', 'Root']),
      accountId: pick(r, ACCOUNTS),
      userName: pick(r, ['alice', 'bob', 'deploy-bot', 'ci']),
    },
    errorCode: r() > 0.9 ? 'AccessDenied' : undefined,
    readOnly: event.startsWith('Get') || event.startsWith('Describe'),
    requestID: Math.floor(r() * 1e16).toString(36),
  };
}

function waf(date: string, r: Random): Record<string, unknown> {
  const blocked = r() > 0.7;
  return {
    '@timestamp': timestamp(date, r),
    log_type: 'waf',
    webaclId: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/prod/abc',
    action: blocked ? 'BLOCK' : 'ALLOW',
    terminatingRuleId: blocked ? pick(r, WAF_RULES) : 'Default_Action',
    httpRequest: {
      clientIp: ip(r),
      country: pick(r, ['DE', 'US', 'FR', 'CN', 'BR', 'NL']),
      uri: pick(r, PATHS),
      httpMethod: pick(r, ['GET', 'POST']),
    },
  };
}

const GENERATORS: Record<AuditLogKind, (date: string, r: Random) => Record<string, unknown>> = {
  vpcflow: vpcFlow,
  alb,
  cloudtrail,
  waf,
};

/** `count` documents for one calendar day, the four kinds mixed. */
export function* auditLogDocuments(date: string, count: number): Generator<Record<string, unknown>> {
  const r = seededRandom(Number(date.replace(/-/g, '')));
  const kinds = Object.keys(GENERATORS) as AuditLogKind[];
  for (let i = 0; i < count; i++) yield GENERATORS[kinds[i % kinds.length] as AuditLogKind](date, r);
}
