// `snapseal setup`: create or check the buckets (the witness's too, unless opted out) and print what is actually
// in force, then the assurance those settings give; safe to repeat.
import type { Command } from 'commander';
import { createS3Client } from '../s3/create-s3-client';
import { ensureBuckets, type BucketReport } from '../setup/ensure-buckets';
import { assuranceOf, describeAssurance } from '../verify/assurance';
import { configFrom, output, type GlobalOptions } from './cli-context';

function describeBucket(b: BucketReport): string {
  return [
    `${b.created ? 'created' : 'kept   '} ${b.bucket} (versioning ${b.versioning}, Object Lock ${b.objectLock ? 'on' : 'off'}): ${b.lifecycle.join('; ')}`,
    ...(b.otherLifecycleRules.length
      ? [`        other lifecycle rules kept: ${b.otherLifecycleRules.join(', ')}`]
      : []),
    ...b.warnings.map((w) => `        warning: ${w}`),
  ].join('\n');
}

export function registerSetupCommand(program: Command): void {
  program
    .command('setup')
    .description(
      'create the staging, archive and witness buckets (versioning, Object Lock, lifecycle) and say the assurance in force; safe to repeat',
    )
    .action(async () => {
      const g = program.opts<GlobalOptions>();
      const config = configFrom(g);
      const s3 = createS3Client(config.s3);
      try {
        const buckets = await ensureBuckets(s3, config);
        const assurance = assuranceOf(config);
        output(g, { buckets, assurance }, () =>
          [...buckets.map(describeBucket), describeAssurance(assurance)].join('\n'),
        );
      } finally {
        s3.destroy();
      }
    });
}
