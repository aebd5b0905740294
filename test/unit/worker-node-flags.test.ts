// Every way snapseal starts a worker passes the V8 flags of src/worker-node-flags.ts, and a streaming worker
// started without them is told which flag is missing and how to start it.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  WORKER_NODE_FLAGS,
  missingWorkerNodeFlags,
  workerNodeFlagsWarning,
} from '../../src/worker-node-flags';

const root = join(__dirname, '..', '..');

/** The node command line before dist/worker.js, as each start command spells it. */
async function startCommands(): Promise<Record<string, string[]>> {
  const commands: Record<string, string[]> = {};
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  commands['npm run worker'] = pkg.scripts.worker!.split(/\s+/);
  const dockerfile = await readFile(join(root, 'Dockerfile'), 'utf8');
  const cmd = /^CMD (\[.*\])$/m.exec(dockerfile);
  commands['Dockerfile CMD'] = cmd ? (JSON.parse(cmd[1]!) as string[]) : [];
  const dir = join(root, 'deploy', 'kubernetes');
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.yaml'))) {
    const doc = parse(await readFile(join(dir, file), 'utf8')) as {
      kind?: string;
      spec?: { template?: { spec?: { containers?: { args?: string[] }[] } } };
    };
    if (doc.kind !== 'Deployment') continue;
    commands[file] = doc.spec?.template?.spec?.containers?.[0]?.args ?? [];
  }
  return commands;
}

describe('worker node flags', () => {
  it('every start command of a worker runs node with them', async () => {
    const commands = await startCommands();
    expect(Object.keys(commands).length).toBeGreaterThanOrEqual(5); // npm, image, three deployments
    for (const [where, argv] of Object.entries(commands)) {
      expect({ where, argv: argv.slice(0, argv.indexOf('dist/worker.js')) }).toEqual({
        where,
        argv: expect.arrayContaining(['node', ...WORKER_NODE_FLAGS]) as unknown,
      });
      expect({ where, runsWorker: argv.includes('dist/worker.js') }).toEqual({ where, runsWorker: true });
    }
  });

  it('names a missing flag and the command line to use', () => {
    expect(missingWorkerNodeFlags(['--max-semi-space-size=1'])).toEqual(['--single-threaded-gc']);
    expect(missingWorkerNodeFlags(['--single-threaded-gc'])).toEqual([]);
    const warning = workerNodeFlagsWarning([]);
    expect(warning).toContain('started without --single-threaded-gc');
    expect(warning).toContain('node --single-threaded-gc dist/worker.js');
    expect(workerNodeFlagsWarning([...WORKER_NODE_FLAGS])).toBeUndefined();
  });
});
