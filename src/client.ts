#!/usr/bin/env node
// The snapseal CLI: the program and its list of commands; every command lives in src/cli/.
import './cli/quiet-sdk-warnings'; // first: before any SDK client exists
import { Command } from 'commander';
import { registerArchiveCommand } from './cli/archive-command';
import { registerCancelCommand } from './cli/cancel-command';
import { registerDemoCommand } from './cli/demo-command';
import { registerDrillCommand } from './cli/drill-command';
import { exitCodeHelp } from './cli/exit-codes';
import type { GlobalOptions } from './cli/cli-context';
import { exitWithError } from './cli/exit-with-error';
import { registerIamPolicyCommand } from './cli/iam-policy-command';
import { registerKmsPublicKeyCommand } from './cli/kms-public-key-command';
import { registerListCommand } from './cli/list-command';
import { registerRestoreCommand } from './cli/restore-command';
import { registerRotateKeyCommand } from './cli/rotate-key-command';
import { registerScheduleCommand } from './cli/schedule-command';
import { registerSetupCommand } from './cli/setup-command';
import { registerStampCommand } from './cli/stamp-command';
import { registerStatusCommand } from './cli/status-command';
import { registerVerifyCommand } from './cli/verify-command';
import { registerWorkerCommand } from './cli/worker-command';
import { TOOL_VERSION } from './tool-version';

const program = new Command('snapseal')
  .description('Sealed, encrypted, verifiable archives of OpenSearch/Elasticsearch snapshots')
  .version(TOOL_VERSION)
  .option(
    '--settings-file <path>',
    'read settings from this KEY=VALUE file (default: $SNAPSEAL_ENV_FILE); the environment wins',
  )
  .option('--json', 'print machine-readable JSON')
  .addHelpText('after', exitCodeHelp())
  // Commander's own errors (unknown option, missing argument) reach exitWithError: exit code 2, like all usage errors.
  .exitOverride();

for (const register of [
  registerArchiveCommand,
  registerCancelCommand,
  registerListCommand,
  registerStatusCommand,
  registerScheduleCommand,
  registerSetupCommand,
  registerVerifyCommand,
  registerStampCommand,
  registerRestoreCommand,
  registerDrillCommand,
  registerRotateKeyCommand,
  registerIamPolicyCommand,
  registerKmsPublicKeyCommand,
  registerDemoCommand,
  registerWorkerCommand,
]) {
  register(program);
}

program.parseAsync(process.argv).catch((err: unknown) => exitWithError(err, program.opts<GlobalOptions>()));
