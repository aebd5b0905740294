// `snapseal setup`: create or check both buckets and print what is actually in force; safe to repeat.
import type { Command } from 'commander';
import { createS3Client } from '../s3/create-s3-client';
import { ensureBuckets, type BucketReport } from '../setup/ensure-buckets';
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
      'create the staging and archive buckets (versioning, Object Lock, lifecycle); safe to repeat',
    )
    .action(async () => {
      const g = program.opts<GlobalOptions>();
      const config = configFrom(g);
      const s3 = createS3Client(config.s3);
      try {
        const report = await ensureBuckets(s3, config);
        output(g, report, () => report.map(describeBucket).join('\n'));
      } finally {
        s3.destroy();
      }
    });
}
