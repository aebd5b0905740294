// createS3Client against a loopback server that stops answering, as a restarted or vanished S3 service leaves a
// pooled connection: the request fails (after the SDK's own retries) instead of waiting for good, whether the
// server never answers or goes silent in the middle of an object's body.
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { createS3Client } from '../../../src/s3/create-s3-client';
import { Secret } from '../../../src/secret';

/** A TCP server that reads requests and answers each connection with `answer` (or nothing), then goes silent. */
async function silentServer(answer?: string): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('data', () => {
      if (answer) socket.write(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function clientFor(url: string): S3Client {
  const credentials = { accessKeyId: 'test', secretAccessKey: new Secret('test-secret') };
  return createS3Client(
    { endpoint: url, region: 'us-east-1', forcePathStyle: true, credentials },
    { idleTimeoutMs: 200 },
  );
}

describe('createS3Client on a connection that stops answering', () => {
  it('fails a request the server never answers', async () => {
    const server = await silentServer();
    const s3 = clientFor(server.url);
    try {
      const error = (await s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' })).then(
        () => undefined,
        (err: unknown) => err,
      )) as Error & { $snapseal?: unknown };
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('TimeoutError');
      expect(error.$snapseal).toEqual({ action: 'GetObject', bucket: 'b', key: 'k' });
    } finally {
      s3.destroy();
      await server.close();
    }
  });

  it('fails the body of an object whose bytes stop coming', async () => {
    // Headers and the first 512 bytes of 4096, then nothing: the stall a volume stream saw mid-blob.
    const head = 'HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 4096\r\n\r\n';
    const server = await silentServer(head + 'x'.repeat(512));
    const s3 = clientFor(server.url);
    try {
      const got = await s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' }));
      let received = 0;
      const read = (async () => {
        for await (const chunk of got.Body as Readable) received += (chunk as Buffer).length;
      })();
      await expect(read).rejects.toThrow(/timed out/);
      expect(received).toBe(512);
    } finally {
      s3.destroy();
      await server.close();
    }
  });
});
