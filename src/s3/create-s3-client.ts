// Builds the one S3 client a process uses, from configuration (endpoint, path style, explicit or default
// credentials); every error it throws names the request that failed (action, bucket, key), and no request
// waits forever on a connection that died (an S3 service restarted or gone from the network).
import { S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from '../config';
import type { S3Operation } from './s3-errors';

/**
 * How long opening a connection may take. Without it a host that drops packets (gone, or restarting behind a
 * load balancer) holds each attempt for the system's TCP connect timeout, about 2 minutes on Linux, 5 times over.
 */
export const S3_CONNECT_TIMEOUT_MS = 10_000;

/**
 * How long an open connection may move no byte before the request fails (and the SDK retries it on a new
 * connection): a pooled keep-alive connection to a server that restarted elsewhere, or that vanished without
 * closing it, otherwise hangs its request for good. Healthy requests pause at most while a volume stream waits
 * for its upload (SNAPSEAL_VOLUME_STALL_SECONDS bounds that, 120 s by default): the same bound, and workers
 * raise it with that setting (idleTimeoutMs).
 */
export const S3_IDLE_TIMEOUT_MS = 120_000;

export interface S3ClientTimeouts {
  connectTimeoutMs?: number;
  idleTimeoutMs?: number;
}

export function createS3Client(config: S3Config, timeouts: S3ClientTimeouts = {}): S3Client {
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
    // Retries of single requests (throttling, 5xx, resets, the timeouts below); whole-volume retries are Temporal's job.
    maxAttempts: 5,
    requestHandler: {
      connectionTimeout: timeouts.connectTimeoutMs ?? S3_CONNECT_TIMEOUT_MS,
      socketTimeout: timeouts.idleTimeoutMs ?? S3_IDLE_TIMEOUT_MS,
    },
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
