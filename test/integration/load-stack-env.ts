// Integration tests talk to the real local stack; its connection settings live in .stack/env (scripts/stack.sh).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { withEnvFile } from '../../src/config';
import { TEST_OPT_OUTS } from './test-opt-outs';

const settingsFile = process.env.SNAPSEAL_STACK_ENV ?? join(__dirname, '..', '..', '.stack', 'env');
if (!existsSync(settingsFile)) {
  throw new Error(
    `The local stack's settings (${settingsFile}) are missing: start it with 'npm run stack -- up'.`,
  );
}
// Tests set their own keys, lifecycle and evidence (archive-harness.ts, a test's own TSA: tsa-server.ts); the
// stack's demo keys, lifecycle setting, time-stamp authority and witness retention are for the demo and the
// README's steps, which read the file themselves.
const STACK_DEMO_SETTINGS = [
  'SNAPSEAL_RECIPIENT_KEY_FILES',
  'SNAPSEAL_SIGNING_KEY_FILE',
  'SNAPSEAL_DECRYPTION_KEY_FILE',
  'SNAPSEAL_LIFECYCLE_TRANSITIONS',
  'SNAPSEAL_TSA_URL',
  'SNAPSEAL_TSA_CA_FILE',
  'SNAPSEAL_WITNESS_RETENTION',
];
const stackSettings = withEnvFile(settingsFile, {});
for (const name of STACK_DEMO_SETTINGS) delete stackSettings[name];
// Secure defaults off unless a test sets them: test-opt-outs.ts says why.
Object.assign(process.env, { ...TEST_OPT_OUTS, ...stackSettings, ...process.env });

// Workers in tests log errors only; expected failures of the failure-path tests would bury the test output.
Runtime.install({ logger: new DefaultLogger('ERROR') });
