// Marks a request's body as UNSIGNED-PAYLOAD for SigV4: the signer then skips hashing the body (a full
// SHA-256 pass over every byte uploaded). The request still carries its own CRC32 checksum, which S3 checks,
// and the headers stay signed.
import type { BuildMiddleware, MiddlewareStack } from '@aws-sdk/types';

interface WithMiddleware {
  middlewareStack: Pick<MiddlewareStack<any, any>, 'add'>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function unsignedPayload<C extends WithMiddleware>(command: C): C {
  const mark: BuildMiddleware<object, object> = (next) => async (args) => {
    const request = args.request as { headers?: Record<string, string> };
    if (request.headers) request.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    return next(args);
  };
  command.middlewareStack.add(mark, { step: 'build', name: 'snapseal-unsigned-payload' });
  return command;
}
