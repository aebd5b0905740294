// The witness and the Object Lock retention are on by default; integration tests opt out of both explicitly
// (load-stack-env.ts), and the tests of those features set their own (witness-tamper, least-privilege,
// evidence-rollback, by-hand, time-evidence, key-rotation, ...). Why not the defaults for every test: a witness
// record is under COMPLIANCE retention (7 years by default) that nobody can lift, so each test's witness bucket
// would stay in the shared MinIO; and the tamper tests delete versions as a bucket writer would.
export const TEST_OPT_OUTS = { SNAPSEAL_WITNESS_BUCKET: 'none', SNAPSEAL_OBJECT_LOCK_DAYS: '0' } as const;

/** `env` without the tests' opt-outs: what a user who sets neither gets (the demo, the README's steps, setup). */
export function withSecureDefaults(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const defaults = { ...env };
  for (const name of Object.keys(TEST_OPT_OUTS)) delete defaults[name];
  return defaults;
}
