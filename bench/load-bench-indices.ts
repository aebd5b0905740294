// Fills the bench indices with generated logs until their primary store holds the wanted number of bytes, with
// bulk requests. Loading is slow on a small machine, so a finished load is marked in the indices' mapping
// `_meta` and reused by later bench runs that ask for the same size.
import type { Client } from '@opensearch-project/opensearch';
import type { BenchNames } from './bench-environment';
import { LOG_KIND_SHARE, logDocuments, logIndexMappings, type LogKind } from './generate-log-data';

export const BENCH_DATA_DATE = '2026-11-20';
const KINDS = Object.keys(LOG_KIND_SHARE) as LogKind[];
const DOCS_PER_BULK = 4000;
const BULKS_IN_FLIGHT = 2;

export interface LoadMarker {
  targetBytes: number;
  storeBytes: number;
  docs: number;
  loadSeconds: number;
  loadedAt: string;
  /** Data made of restored copies (bench/replicate-bench-data.ts): the base load they copy, and how many. */
  baseLoadedAt?: string;
  copies?: number;
}

export interface BenchData extends LoadMarker {
  indices: string[];
  reused: boolean;
}

interface IndexStats {
  docs: number;
  storeBytes: number;
}

const indexName = (names: BenchNames, kind: LogKind): string => `${names.indexPrefix}${kind}`;

export async function readLoadMarker(client: Client, index: string): Promise<LoadMarker | undefined> {
  const response = await client.indices.getMapping({ index }, { ignore: [404] });
  if (response.statusCode === 404) return undefined;
  const body = response.body as Record<string, { mappings?: { _meta?: { snapsealBench?: LoadMarker } } }>;
  return body[index]?.mappings?._meta?.snapsealBench;
}

async function stats(client: Client, pattern: string): Promise<IndexStats> {
  const { body } = await client.indices.stats({ index: pattern, metric: ['docs', 'store'] });
  const primaries = (
    body as { _all: { primaries: { docs?: { count: number }; store?: { size_in_bytes: number } } } }
  )._all.primaries;
  return { docs: primaries.docs?.count ?? 0, storeBytes: primaries.store?.size_in_bytes ?? 0 };
}

async function allExist(client: Client, indices: string[]): Promise<boolean> {
  const { body } = await client.indices.exists({ index: indices.join(',') }, { ignore: [404] });
  return body === true;
}

/** Refresh, then wait until background merges are done, so the store size is the one a snapshot will copy. */
async function settle(client: Client, pattern: string): Promise<IndexStats> {
  await client.indices.refresh({ index: pattern });
  for (let i = 0; i < 120; i++) {
    const { body } = await client.indices.stats({ index: pattern, metric: ['merge'] });
    const current = (body as { _all: { primaries: { merges?: { current: number } } } })._all.primaries.merges
      ?.current;
    if (!current) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return stats(client, pattern);
}

async function createIndices(client: Client, names: BenchNames): Promise<void> {
  for (const kind of KINDS) {
    await client.indices.create({
      index: indexName(names, kind),
      body: {
        settings: {
          number_of_shards: 1,
          number_of_replicas: 0,
          refresh_interval: '-1', // during the load only
          'translog.durability': 'async',
        },
        mappings: logIndexMappings(kind),
      },
    });
  }
}

/** Send `docs` documents spread over the kinds by their share, with a few bulk requests in flight. */
async function loadDocuments(
  client: Client,
  names: BenchNames,
  docs: number,
  seedBase: number,
): Promise<void> {
  const generators = KINDS.map((kind, i) => ({
    kind,
    index: indexName(names, kind),
    next: logDocuments(kind, BENCH_DATA_DATE, seedBase * 7 + i),
    want: Math.ceil(docs * LOG_KIND_SHARE[kind]),
  }));
  const inFlight = new Set<Promise<void>>();
  for (const g of generators) {
    for (let sent = 0; sent < g.want; sent += DOCS_PER_BULK) {
      const count = Math.min(DOCS_PER_BULK, g.want - sent);
      const action = `{"index":{"_index":"${g.index}"}}\n`;
      let body = '';
      for (let n = 0; n < count; n++) body += action + JSON.stringify(g.next()) + '\n';
      const request = client.bulk({ body: body as never }).then((response) => {
        if (response.body.errors) {
          const first = (response.body.items as { index?: { error?: { reason?: string } } }[]).find(
            (item) => item.index?.error,
          );
          throw new Error(
            `Bulk load into ${g.index} failed: ${first?.index?.error?.reason ?? 'errors reported'}`,
          );
        }
      });
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request)).catch(() => undefined);
      if (inFlight.size >= BULKS_IN_FLIGHT) await Promise.race(inFlight);
    }
  }
  await Promise.all(inFlight);
}

/**
 * The bench indices holding at least `targetBytes` in their primary store: reused when a complete earlier load
 * asked for the same size, else (re)loaded in rounds, each sized by the bytes per document measured so far.
 */
export async function ensureBenchData(
  client: Client,
  names: BenchNames,
  targetBytes: number,
  say: (line: string) => void,
): Promise<BenchData> {
  const indices = KINDS.map((k) => indexName(names, k));
  const markers = await Promise.all(indices.map((i) => readLoadMarker(client, i)));
  const first = markers[0];
  if (first && first.targetBytes === targetBytes && markers.every((m) => m?.loadedAt === first.loadedAt)) {
    return { ...first, indices, reused: true };
  }
  const started = Date.now();
  let current: IndexStats = { docs: 0, storeBytes: 0 };
  let round = 0;
  if (markers.every((m) => m === undefined) && (await allExist(client, indices))) {
    // An interrupted load (no marker yet): go on from what it loaded, in rounds seeded after its own.
    current = await settle(client, names.indexPattern);
    round = 100;
    say(
      `    going on from an interrupted load: ${current.docs} documents, ${(current.storeBytes / 1e9).toFixed(3)} GB`,
    );
  } else {
    // A differently sized earlier load of this size tag: start over (bench indices only).
    await client.indices.delete({ index: names.indexPattern, expand_wildcards: 'all' }, { ignore: [404] });
    await createIndices(client, names);
  }
  let bytesPerDoc = 0;
  while (current.storeBytes < targetBytes) {
    bytesPerDoc ||= current.storeBytes / Math.max(1, current.docs);
    const docs =
      round === 0 || bytesPerDoc === 0
        ? Math.min(60_000, Math.max(5_000, Math.ceil(targetBytes / 500)))
        : Math.max(5_000, Math.ceil(((targetBytes - current.storeBytes) / bytesPerDoc) * 1.03));
    round += 1;
    await loadDocuments(client, names, docs, round);
    current = await settle(client, names.indexPattern);
    bytesPerDoc = current.storeBytes / Math.max(1, current.docs);
    say(
      `    round ${round}: ${current.docs} documents, ${(current.storeBytes / 1e9).toFixed(3)} GB in the primary store ` +
        `(${bytesPerDoc.toFixed(0)} bytes/document), ${Math.round((Date.now() - started) / 1000)} s`,
    );
  }
  await client.indices.putSettings({
    index: names.indexPattern,
    body: { index: { refresh_interval: '1s', 'translog.durability': 'request' } },
  });
  await client.indices.flush({ index: names.indexPattern });
  current = await settle(client, names.indexPattern);
  const marker: LoadMarker = {
    targetBytes,
    storeBytes: current.storeBytes,
    docs: current.docs,
    loadSeconds: (Date.now() - started) / 1000,
    loadedAt: new Date().toISOString(),
  };
  for (const index of indices) await writeLoadMarker(client, index, marker);
  return { ...marker, indices, reused: false };
}

/** Marks an index as part of a finished load (read back by readLoadMarker). */
export async function writeLoadMarker(client: Client, index: string, marker: LoadMarker): Promise<void> {
  await client.indices.putMapping({ index, body: { _meta: { snapsealBench: marker } } });
}
