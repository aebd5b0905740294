import {
  AbortMultipartUploadCommand,
  HeadBucketCommand,
  ListMultipartUploadsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { abortUploads, assertBucketReachable, BucketUnreachableError } from '../../../src/s3/s3-objects';

/** An S3 client that answers ListMultipartUploads in pages of `pageSize`, as S3 does with max-uploads. */
function pagedUploads(total: number, pageSize: number) {
  const open = new Set(Array.from({ length: total }, (_, i) => `u${String(i).padStart(5, '0')}`));
  const client = {
    send: async (command: unknown) => {
      if (command instanceof ListMultipartUploadsCommand) {
        const after = command.input.KeyMarker ?? '';
        const keys = [...open].filter((k) => k > after).sort();
        const page = keys.slice(0, pageSize);
        const truncated = keys.length > pageSize;
        return {
          Uploads: page.map((k) => ({ Key: k, UploadId: `id-${k}` })),
          IsTruncated: truncated,
          NextKeyMarker: truncated ? page[page.length - 1] : undefined,
          NextUploadIdMarker: truncated ? `id-${page[page.length - 1]}` : undefined,
        };
      }
      if (command instanceof AbortMultipartUploadCommand) {
        open.delete(command.input.Key!);
        return {};
      }
      throw new Error('unexpected command');
    },
  };
  return { client: client as unknown as S3Client, open };
}

describe('abortUploads', () => {
  it('aborts every unfinished upload, across pages', async () => {
    const { client, open } = pagedUploads(2500, 1000);
    expect(await abortUploads(client, 'b', 'p/')).toBe(2500);
    expect(open.size).toBe(0);
  });
});

describe('assertBucketReachable', () => {
  const failing = (err: unknown) =>
    ({
      send: async (command: unknown) => {
        if (command instanceof HeadBucketCommand) throw err;
        throw new Error('unexpected command');
      },
    }) as unknown as S3Client;

  it('reports a network blip as retryable', async () => {
    const blip = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const err = await assertBucketReachable(failing(blip), 'b', 'archive').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BucketUnreachableError);
    expect((err as BucketUnreachableError).permanent).toBe(false);
  });

  it('reports a missing or forbidden bucket as permanent', async () => {
    for (const [name, status] of [
      ['NotFound', 404],
      ['AccessDenied', 403],
    ] as const) {
      const e = Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
      const err = await assertBucketReachable(failing(e), 'b', 'archive').catch((x: unknown) => x);
      expect((err as BucketUnreachableError).permanent).toBe(true);
      expect((err as Error).message).toContain('The archive bucket "b" is not usable');
    }
  });
});
