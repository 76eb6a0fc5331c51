import type { IncomingMessage } from 'node:http';

/** The body was larger than allowed, or the stream failed. */
export class BodyReadError extends Error {}

/**
 * Reads a (small) request body as UTF-8 text, refusing more than `limit` bytes or a length that
 * does not match `Content-Length`. Leaner than a general body parser: this runs on every
 * introspection request.
 */
export function readSmallBody(req: IncomingMessage, limit: number, length: number | undefined): Promise<string> {
  if (length !== undefined && length > limit) return Promise.reject(new BodyReadError('too large'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        cleanup();
        req.resume();
        reject(new BodyReadError('too large'));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      if (length !== undefined && received !== length) reject(new BodyReadError('length mismatch'));
      else resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks, received).toString('utf8'));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(new BodyReadError(err.message));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
