import { InvalidRequestError } from '../spec/errors.js';

/** Position after the last item of a page: listings are ordered by (time, id) descending. */
export interface RequestLogCursor {
  time: number;
  id: string;
}

/** Opaque to clients (base64url JSON), so the ordering key can change without breaking them. */
export function encodeRequestLogCursor(cursor: RequestLogCursor): string {
  return Buffer.from(JSON.stringify([cursor.time, cursor.id])).toString('base64url');
}

export function decodeRequestLogCursor(value: string): RequestLogCursor {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (Array.isArray(decoded) && decoded.length === 2 && Number.isFinite(decoded[0]) && typeof decoded[1] === 'string') {
      return { time: decoded[0] as number, id: decoded[1] };
    }
  } catch {
    // Falls through to the typed error below.
  }
  throw new InvalidRequestError('Invalid cursor.', { param: 'cursor' });
}
