// `snapseal demo`: the main job on the embedded local stack (src/demo/run-demo.ts).
import { Option, type Command } from 'commander';
import { runDemo } from '../demo/run-demo';
import type { GlobalOptions } from './cli-context';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'on the local stack: load sample audit logs, archive one day, verify it, print what was written',
    )
    .addOption(new Option('--days <n>', 'days of sample data').default('3'))
    .addOption(new Option('--docs <n>', 'documents per day').default('12000'))
    .addOption(
      new Option(
        '--date <YYYY-MM-DD>',
        'the day archived and the last day of sample logs (default: yesterday)',
      ),
    )
    .addOption(new Option('--load-only', 'load the sample audit logs only; archive nothing'))
    .action(async (opts: { days: string; docs: string; date?: string; loadOnly?: boolean }) => {
      await runDemo(program.opts<GlobalOptions>(), {
        days: Number(opts.days),
        docsPerDay: Number(opts.docs),
        date: opts.date,
        loadOnly: opts.loadOnly === true,
      });
    });
}
