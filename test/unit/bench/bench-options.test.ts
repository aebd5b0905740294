import { parseBenchOptions, UsageError } from '../../../bench/bench-options';

const defaults = { outDir: 'bench', tmpDir: '/tmp' };

describe('bench options: --worker-node', () => {
  it('runs on the bench node unless binaries are named', () => {
    expect(parseBenchOptions([], defaults).workerNodes).toEqual([]);
  });

  it('takes a comma-separated list of node binaries, in order', () => {
    const options = parseBenchOptions(['--worker-node', '/usr/bin/node,/opt/node24/bin/node'], defaults);
    expect(options.workerNodes).toEqual(['/usr/bin/node', '/opt/node24/bin/node']);
    expect(parseBenchOptions(['--worker-node=/a/node'], defaults).workerNodes).toEqual(['/a/node']);
  });

  it('refuses an empty list by name', () => {
    expect(() => parseBenchOptions(['--worker-node', ''], defaults)).toThrow(UsageError);
    expect(() => parseBenchOptions(['--worker-node', ''], defaults)).toThrow(/--worker-node/);
  });
});
