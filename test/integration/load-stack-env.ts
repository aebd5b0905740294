// Integration tests talk to the real local stack; its connection settings live in .stack/env (scripts/stack.sh).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { withEnvFile } from '../../src/config';

const settingsFile = process.env.SNAPSEAL_STACK_ENV ?? join(__dirname, '..', '..', '.stack', 'env');
if (!existsSync(settingsFile)) {
  throw new Error(
    `The local stack's settings (${settingsFile}) are missing: start it with 'npm run stack -- up'.`,
  );
}
Object.assign(process.env, withEnvFile(settingsFile, process.env));

// Workers in tests log errors only; expected failures of the failure-path tests would bury the test output.
Runtime.install({ logger: new DefaultLogger('ERROR') });
