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

  it('reads only the archives it shows', async () => {
    const { client, reads } = bucket();
    const list = await listArchives(client, undefined, config, 1);
    expect(list.rows.map((r) => r.id)).toEqual(['unreachable']);
    expect(list.totalArchives).toBe(4);
    expect(reads).toEqual([`${prefix}chain/00000004.json`, 'm/unreachable']);
  });
});
