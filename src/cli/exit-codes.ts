// The CLI's exit codes, in one table: the commands and exitWithError set them, `snapseal --help` prints them
// and the README's "Exit codes" table matches them (a unit test compares the two).
export const ExitCode = {
  Success: 0,
  Failure: 1,
  Usage: 2,
  Config: 3,
  Verification: 4,
  Stale: 5,
  Unhealthy: 6,
  LateStamp: 7,
} as const;

export type ExitCodeName = keyof typeof ExitCode;

const MEANING: Record<ExitCodeName, string> = {
  Success: 'success',
  Failure: 'the command failed (a service unreachable, a run that failed); the message says what and where',
  Usage:
    'invalid input: an unknown command or option, a bad date, archive id, cron or time zone, a day that has not ended (plus SNAPSEAL_DAY_SETTLE_MINUTES), `--supersede` without `--reason` or naming another day',
  Config:
    'configuration or key problem: a setting (an unknown SNAPSEAL_* name too), the settings file, a key file, S3 credentials or a bucket setting',
  Verification:
    'verification failed: `verify`, `verify --chain` or `drill run` found a problem (a decryption key the volumes were not encrypted for, a supersede claim the chain does not bear out too), or `restore` found tampering',
  Stale: '`status`: the newest archive is older than `--max-age-hours` (default 26), or there is none',
  Unhealthy:
    "`status`: archiving cannot run: Temporal unreachable, the Schedule missing or paused, no worker polling a role's task queue, or the witness ahead of the chain",
  LateStamp:
    '`verify`: the archive verified, but it was sealed while the time-stamp authorities were unreachable: its time is proven only from its late token (a warning)',
};

export interface ExitCodeRow {
  code: number;
  meaning: string;
}

/** Every exit code with its meaning, in ascending order. */
export function exitCodeTable(): ExitCodeRow[] {
  const names = Object.keys(ExitCode).filter((k): k is ExitCodeName => k in MEANING);
  return names.map((name) => ({
    code: ExitCode[name],
    meaning: MEANING[name],
  }));
}

/** The table as `snapseal --help` shows it. */
export function exitCodeHelp(): string {
  return ['', 'Exit codes:', ...exitCodeTable().map((r) => `  ${r.code}  ${r.meaning}`)].join('\n');
}
