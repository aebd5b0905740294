// Child process of the read limit: every object under a prefix fetched with GetObject and discarded,
// `concurrency` objects at a time. Usage: node read-staging.js <bucket> <prefix> <concurrency>
// (S3 settings from SNAPSEAL_ENV_FILE, as the worker reads them). Prints the bytes read.
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { loadConfig, withEnvFile } from '../src/config';
import { createS3Client } from '../src/s3/create-s3-client';
import { listObjects } from '../src/s3/s3-objects';

async function main(): Promise<void> {
  const [bucket, prefix, concurrencyArg] = process.argv.slice(2);
  if (!bucket || prefix === undefined)
    throw new Error('usage: read-staging.js <bucket> <prefix> <concurrency>');
  const settingsFile = process.env.SNAPSEAL_ENV_FILE;
  const config = loadConfig(settingsFile ? withEnvFile(settingsFile) : process.env);
  const s3 = createS3Client(config.s3);
  const keys: string[] = [];
  for await (const o of listObjects(s3, bucket, prefix)) keys.push(o.key);
  let bytes = 0;
  let next = 0;
  const reader = async (): Promise<void> => {
    while (next < keys.length) {
      const key = keys[next++] as string;
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      for await (const chunk of got.Body as Readable) bytes += (chunk as Buffer).length;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Number(concurrencyArg ?? 4)) }, reader));
  s3.destroy();
  process.stdout.write(`${bytes}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`read-staging: ${(err as Error).message}\n`);
  process.exit(1);
});
