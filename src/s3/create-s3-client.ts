// Builds the one S3 client a process uses, from configuration (endpoint, path style, explicit or default credentials).
import { S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from '../config';

export function createS3Client(config: S3Config): S3Client {
  return new S3Client({
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
}
