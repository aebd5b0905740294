// Where a worker's CPU time went: self time per function (and per package) from a `node --cpu-prof` profile,
// optionally only for the samples inside a wall-clock window (the streaming phase).
import { readFile } from 'node:fs/promises';
import type { CpuProfileEntry } from './bench-types';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface CpuProfileSummary {
  totalMs: number;
  top: CpuProfileEntry[];
  byPackage: CpuProfileEntry[];
}

/** The package a script belongs to: the npm package, snapseal's own code, or Node's internals. */
function packageOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1] as string;
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/dist/')) return 'snapseal';
  return url.replace(/^.*\//, '');
}

function shortLocation(url: string, line: number): string {
  if (url === '') return '';
  const inModules = /node_modules\/(.*)$/.exec(url);
  const path = inModules ? inModules[1] : url.replace(/^file:\/\//, '').replace(/^.*\/dist\//, 'dist/');
  return `${path}:${line + 1}`;
}

export async function summarizeCpuProfile(
  file: string,
  window?: { processStartMs: number; fromMs: number; toMs: number },
  topN = 15,
): Promise<CpuProfileSummary> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byFunction = new Map<string, CpuProfileEntry>();
  const byPackage = new Map<string, CpuProfileEntry>();
  let at = profile.startTime;
  let totalUs = 0;
  const add = (
    map: Map<string, CpuProfileEntry>,
    key: string,
    entry: Omit<CpuProfileEntry, 'selfMs' | 'selfPercent'>,
    us: number,
  ): void => {
    const e = map.get(key) ?? { ...entry, selfMs: 0, selfPercent: 0 };
    e.selfMs += us / 1000;
    map.set(key, e);
  };
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window) {
      const wall = window.processStartMs + (at - profile.startTime) / 1000;
      if (wall < window.fromMs || wall > window.toMs) continue;
    }
    const node = nodes.get(profile.samples[i] as number);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    totalUs += delta;
    const name = functionName || '(anonymous)';
    add(
      byFunction,
      `${name}@${url}:${lineNumber}`,
      { functionName: name, location: shortLocation(url, lineNumber) },
      delta,
    );
    const pkg = packageOf(url, name);
    add(byPackage, pkg, { functionName: pkg, location: '' }, delta);
  }
  const rank = (map: Map<string, CpuProfileEntry>, n: number): CpuProfileEntry[] =>
    [...map.values()]
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, n)
      .map((e) => ({
        ...e,
        selfMs: Math.round(e.selfMs),
        selfPercent: totalUs ? (e.selfMs * 1000 * 100) / totalUs : 0,
      }));
  return { totalMs: Math.round(totalUs / 1000), top: rank(byFunction, topN), byPackage: rank(byPackage, 10) };
}
