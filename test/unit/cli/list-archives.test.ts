import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { listArchives } from '../../../src/cli/list-archives';
import { loadConfig } from '../../../src/config';

const config = loadConfig({});
const prefix = config.archive.prefix;
const s3Error = (name: string, status: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

/** A bucket with a chain of four archives whose manifests fail in four different ways. */
function bucket(): { client: S3Client; reads: string[] } {
  const reads: string[] = [];
  const manifests: Record<string, () => string> = {
    missing: () => {
      throw s3Error('NoSuchKey', 404);
    },
    denied: () => {
      throw s3Error('AccessDenied', 403);
    },
    malformed: () => '{"format": "snapseal-manifest/1"}',
    unreachable: () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9000'), { code: 'ECONNREFUSED' });
    },
  };
  const ids = Object.keys(manifests);
  const entryKey = (i: number) => `${prefix}chain/${String(i + 1).padStart(8, '0')}.json`;
  const client = {
    send: async (command: unknown) => {
      if (command instanceof ListObjectsV2Command)
        return { Contents: ids.map((_, i) => ({ Key: entryKey(i), Size: 1 })), IsTruncated: false };
      if (command instanceof GetObjectCommand) {
        const key = command.input.Key!;
        reads.push(key);
        const i = ids.findIndex((_, j) => entryKey(j) === key);
        const text =
          i >= 0
            ? JSON.stringify({ sequence: i + 1, archiveId: ids[i], manifestKey: `m/${ids[i]}` })
            : manifests[key.slice(2)]!();
        return { Body: { transformToString: async () => text } };
      }
      throw new Error('unexpected command');
    },
  };
  return { client: client as unknown as S3Client, reads };
}

describe('snapseal list', () => {
  it('says what failed for each manifest it could not read', async () => {
    const { rows } = await listArchives(bucket().client, undefined, config);
    expect(rows.map((r) => [r.id, r.status])).toEqual([
      ['missing', 'MANIFEST MISSING'],
      ['denied', 'ACCESS DENIED'],
      ['malformed', 'MANIFEST MALFORMED'],
      ['unreachable', 'UNREACHABLE'],
    ]);
    expect(rows[1]!.problem).toContain('access denied (403)');
    expect(rows[2]!.problem).toContain('malformed');
    expect(rows[3]!.problem).toContain('ECONNREFUSED');
  });

  it('reads every chain entry (they name the days) but only the manifests it shows', async () => {
    const { client, reads } = bucket();
    const list = await listArchives(client, undefined, config, 1);
    expect(list.rows.map((r) => r.id)).toEqual(['unreachable']);
    expect(list.totalArchives).toBe(4);
    expect(reads.filter((k) => !k.includes('/chain/'))).toEqual(['m/unreachable']);
  });

  it('orders by day, not by sequence: a backfilled day sealed last sits among its neighbours', async () => {
    const days = ['2026-12-01', '2026-12-05', '2026-11-27', '2026-12-03']; // sequence 1..4
    const entryKey = (i: number) => `${prefix}chain/${String(i + 1).padStart(8, '0')}.json`;
    const client = {
      send: async (command: unknown) => {
        if (command instanceof ListObjectsV2Command)
          return { Contents: days.map((_, i) => ({ Key: entryKey(i), Size: 1 })), IsTruncated: false };
        const key = (command as GetObjectCommand).input.Key!;
        const i = days.findIndex((_, j) => entryKey(j) === key);
        if (i < 0) throw s3Error('NoSuchKey', 404); // the manifests: their days come from the ids
        const text = JSON.stringify({ sequence: i + 1, archiveId: `${days[i]}_logs`, manifestKey: `m/${i}` });
        return { Body: { transformToString: async () => text } };
      },
    } as unknown as S3Client;
    const all = await listArchives(client, undefined, config);
    expect(all.rows.map((r) => [r.date, r.sequence])).toEqual([
      ['2026-11-27', 3],
      ['2026-12-01', 1],
      ['2026-12-03', 4],
      ['2026-12-05', 2],
    ]);
    const newest = await listArchives(client, undefined, config, 2);
    expect(newest.rows.map((r) => r.date)).toEqual(['2026-12-03', '2026-12-05']);
  });
});
