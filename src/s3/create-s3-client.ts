// Builds the one S3 client a process uses, from configuration (endpoint, path style, explicit or default
// credentials); every error it throws names the request that failed (action, bucket, key).
import { S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from '../config';
import type { S3Operation } from './s3-errors';

export function createS3Client(config: S3Config): S3Client {
  const client = new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle,
    credentials: config.credentials
      ? {
          accessKeyId: config.credentials.accessKeyId,
          secretAccessKey: config.credentials.secretAccessKey.reveal(),
        }
      : undefined,
    // Retries of single requests (throttling, 5xx, resets); whole-volume retries are Temporal's job.
    maxAttempts: 5,
  });
  recordFailedOperation(client);
  return client;
}

/** Tags every error with the request it came from (`$snapseal`), so an activity can say what was refused. */
export function recordFailedOperation(client: S3Client): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        const input = args.input as { Bucket?: string; Key?: string };
        const operation: S3Operation = {
          action: (context.commandName ?? 'S3 request').replace(/Command$/, ''),
          bucket: input.Bucket,
          key: input.Key,
        };
        if (err && typeof err === 'object') Object.assign(err, { $snapseal: operation });
        throw err;
      }
    },
    { step: 'initialize', name: 'snapsealFailedOperation' },
  );
}
