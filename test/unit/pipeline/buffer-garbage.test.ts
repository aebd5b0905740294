import { constants, PerformanceObserver } from 'node:perf_hooks';
import { runInNewContext } from 'node:vm';
import { BufferGarbage } from '../../../src/pipeline/buffer-garbage';

/** The young-generation collections V8 reports while `use` runs. */
async function minorCollections(use: () => void): Promise<number> {
  let count = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (
        (entry as unknown as { detail?: { kind?: number } }).detail?.kind ===
        constants.NODE_PERFORMANCE_GC_MINOR
      )
        count++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  use();
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  return count;
}

describe('BufferGarbage', () => {
  it('collects each time the set number of bytes has been released, not before', () => {
    let collections = 0;
    const garbage = new BufferGarbage(1000, () => collections++);
    garbage.released(999);
    expect(collections).toBe(0);
    garbage.released(1);
    expect(collections).toBe(1);
    for (let i = 0; i < 3; i++) garbage.released(1000);
    expect(collections).toBe(4);
  });

  it('runs a young-generation collection of V8 by default', async () => {
    const garbage = new BufferGarbage(1);
    expect(await minorCollections(() => [1, 2, 3].forEach(() => garbage.released(1)))).toBeGreaterThanOrEqual(
      3,
    );
  });

  it('leaves no gc function behind for other contexts (the workflow sandbox)', () => {
    new BufferGarbage(1).released(1);
    expect(runInNewContext('typeof gc')).toBe('undefined');
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe('undefined');
  });
});
