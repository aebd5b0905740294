// Command-line options of `npm run bench`.

export type BenchPart = 'read' | 'crypto' | 'shell' | 'restic' | 'snapseal';
export const ALL_PARTS: readonly BenchPart[] = ['read', 'crypto', 'shell', 'restic', 'snapseal'];

export interface BenchOptions {
  /** Wanted snapshot size in GB (10^9 bytes). */
  sizeGb: number;
  /** Where RESULTS.md, results.json and results.svg go. */
  outDir: string;
  /** Parent of the bench's temporary directory (the shell pipeline and restic need local disk). */
  tmpDir: string;
  parts: BenchPart[];
  /** Worker process counts of the snapseal runs, one run each. */
  workerCounts: number[];
  volumeMib: number;
  /** Keep the archives, the restic repository and the temporary directory for inspection. */
  keep: boolean;
  /** One extra snapseal run (1 worker) with `node --cpu-prof`, summarised in the report. */
  cpuProfile: boolean;
  /**
   * Node.js binaries the snapseal workers run on, each worker count once per binary (empty: the bench's own
   * node). Compares Node.js versions side by side in one run.
   */
  workerNodes: string[];
  /** Only render RESULTS.md and results.svg again from this results.json (no measurement). */
  renderFrom?: string;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `usage: npm run bench -- [options]
  --size <GB>          snapshot size to benchmark, in GB (default 1; e.g. 0.2 for a quick check, 10)
  --out <dir>          where RESULTS.md, results.json and results.svg go (default bench/)
  --tmp-dir <dir>      parent of the temporary directory for the local copies (default $TMPDIR or /tmp)
  --only <list>        comma-separated subset of: ${ALL_PARTS.join(',')} (default: all)
  --workers <list>     snapseal worker process counts, one run each (default 1,2,4)
  --volume-mib <n>     SNAPSEAL_MAX_VOLUME_MIB of the snapseal runs (default 256)
  --worker-node <list> comma-separated node binaries for the snapseal workers, every worker count run on each
                       (default: the bench's own node), e.g. /usr/bin/node,$(scripts/node.sh path)/node
  --cpu-prof           one more snapseal run (1 worker) under node --cpu-prof, top functions in the report
  --keep               keep archives, the restic repository and the temporary directory
  --render <json>      measure nothing: write RESULTS.md and results.svg again from a results.json (into --out)
  --help`;

function positiveNumber(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`${flag} expects a positive number, got ${JSON.stringify(value)}`);
  }
  return n;
}

export function parseBenchOptions(
  argv: string[],
  defaults: { outDir: string; tmpDir: string },
): BenchOptions {
  const options: BenchOptions = {
    sizeGb: 1,
    outDir: defaults.outDir,
    tmpDir: defaults.tmpDir,
    parts: [...ALL_PARTS],
    workerCounts: [1, 2, 4],
    volumeMib: 256,
    keep: false,
    cpuProfile: false,
    workerNodes: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const [name, inline] = flag.includes('=') ? flag.split(/=(.*)/s, 2) : [flag, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (name) {
      case '--size':
        options.sizeGb = positiveNumber('--size', value());
        break;
      case '--out':
        options.outDir = value() ?? '';
        break;
      case '--tmp-dir':
        options.tmpDir = value() ?? '';
        break;
      case '--only': {
        const parts = (value() ?? '').split(',').filter(Boolean);
        const unknown = parts.filter((p) => !ALL_PARTS.includes(p as BenchPart));
        if (parts.length === 0 || unknown.length > 0) {
          throw new UsageError(`--only expects some of ${ALL_PARTS.join(',')}, got ${JSON.stringify(parts)}`);
        }
        options.parts = parts as BenchPart[];
        break;
      }
      case '--workers':
        options.workerCounts = (value() ?? '').split(',').map((w) => {
          const n = positiveNumber('--workers', w);
          if (!Number.isInteger(n)) throw new UsageError(`--workers expects whole numbers, got ${w}`);
          return n;
        });
        break;
      case '--volume-mib':
        options.volumeMib = Math.round(positiveNumber('--volume-mib', value()));
        break;
      case '--worker-node':
        options.workerNodes = (value() ?? '').split(',').filter(Boolean);
        if (options.workerNodes.length === 0) throw new UsageError('--worker-node expects node binaries');
        break;
      case '--keep':
        options.keep = true;
        break;
      case '--cpu-prof':
        options.cpuProfile = true;
        break;
      case '--render':
        options.renderFrom = value();
        if (!options.renderFrom) throw new UsageError('--render expects a results.json file');
        break;
      case '--help':
      case '-h':
        throw new UsageError('');
      default:
        throw new UsageError(`unknown option ${JSON.stringify(flag)}`);
    }
  }
  if (!options.outDir) throw new UsageError('--out expects a directory');
  if (!options.tmpDir) throw new UsageError('--tmp-dir expects a directory');
  return options;
}
