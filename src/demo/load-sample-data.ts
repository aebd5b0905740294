// Loads sample audit logs into daily indices (one per day, named by the index template); skips a day whose
// index already holds the expected number of documents.
import type { Client } from '@opensearch-project/opensearch';
import { indicesForDate } from '../archive/archive-date';
import { auditLogDocuments } from './audit-log-generator';

export interface LoadedIndex {
  index: string;
  date: string;
  docs: number;
  created: boolean;
}

export async function loadSampleDay(
  client: Client,
  template: string,
  date: string,
  docs: number,
): Promise<LoadedIndex> {
  const index = indicesForDate(template, date);
  const exists = (await client.indices.exists({ index })).body;
  if (exists) {
    const count = (await client.count({ index })).body.count;
    if (count === docs) return { index, date, docs, created: false };
    await client.indices.delete({ index });
  }
  await client.indices.create({
    index,
    body: {
      settings: { number_of_shards: 2, number_of_replicas: 0 },
      mappings: { properties: { '@timestamp': { type: 'date' }, log_type: { type: 'keyword' } } },
    },
  });
  let batch: unknown[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const response = await client.bulk({ body: batch as never });
    if (response.body.errors)
      throw new Error(`Loading sample documents into ${index} failed: the bulk request reported errors`);
    batch = [];
  };
  for (const doc of auditLogDocuments(date, docs)) {
    batch.push({ index: { _index: index } }, doc);
    if (batch.length >= 2000) await flush();
  }
  await flush();
  await client.indices.refresh({ index });
  // Merge to few segments, as a finished day's index would be before it is archived.
  await client.indices.forcemerge({ index, max_num_segments: 1 });
  return { index, date, docs, created: true };
}
