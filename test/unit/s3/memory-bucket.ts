// An in-memory bucket answering the few S3 calls small-object code makes (GetObject, PutObject with
// If-None-Match, ListObjectsV2 and ListObjectVersions by prefix, HeadObject (size and an ETag),
// GetObjectRetention: none), with S3's error shapes, and recording each put's parameters. Keys only: every
// bucket name reaches the same objects. It is an unversioned bucket: each object is its one version "null"
// (tests that change `objects` rewrite history).
import {
  GetObjectCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';

const s3Error = (name: string, status: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

export interface MemoryBucket {
  client: S3Client;
  objects: Map<string, Buffer>;
  puts: PutObjectCommandInput[];
}

export function memoryBucket(): MemoryBucket {
  const objects = new Map<string, Buffer>();
  const puts: PutObjectCommandInput[] = [];
  const send = async (command: unknown): Promise<unknown> => {
    if (command instanceof GetObjectCommand) {
      const body = objects.get(command.input.Key!);
      if (!body) throw s3Error('NoSuchKey', 404);
      return {
        ContentLength: body.length,
        Body: {
          transformToString: async () => body.toString('utf8'),
          transformToByteArray: async () => new Uint8Array(body),
        },
      };
    }
    if (command instanceof PutObjectCommand) {
      const { Key, Body, IfNoneMatch } = command.input;
      if (IfNoneMatch === '*' && objects.has(Key!)) throw s3Error('PreconditionFailed', 412);
      objects.set(Key!, Buffer.from(Body as string | Uint8Array));
      puts.push(command.input);
      return {};
    }
    if (command instanceof ListObjectsV2Command) {
      const prefix = command.input.Prefix ?? '';
      const keys = [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
      return { Contents: keys.map((Key) => ({ Key, Size: objects.get(Key)!.length })), IsTruncated: false };
    }
    if (command instanceof ListObjectVersionsCommand) {
      const prefix = command.input.Prefix ?? '';
      const keys = [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
      return {
        Versions: keys.map((Key) => ({
          Key,
          VersionId: 'null',
          IsLatest: true,
          Size: objects.get(Key)!.length,
        })),
        IsTruncated: false,
      };
    }
    if (command instanceof HeadObjectCommand) {
      const body = objects.get(command.input.Key!);
      if (!body) throw s3Error('NotFound', 404);
      return { ContentLength: body.length, ETag: `"${body.length}"` };
    }
    if (command instanceof GetObjectRetentionCommand) throw s3Error('NoSuchObjectLockConfiguration', 404);
    throw new Error(`the memory bucket does not answer ${(command as object).constructor.name}`);
  };
  return { client: { send } as unknown as S3Client, objects, puts };
}
