import type { Readable } from 'node:stream';
import type { UpstreamDeadline } from './upstream-deadline.js';

/** Pulls chunks from a node Readable one at a time. */
export interface BodyChunkReader {
  next(): Promise<IteratorResult<Buffer>>;
}

/**
 * Reads a node Readable with plain listeners and pause/resume. It behaves like the stream's async
 * iterator (one chunk per call, the body paused while nobody is asking, so back-pressure holds) at a
 * fraction of its cost per chunk, which matters on the streaming hot path.
 *
 * Given the upstream call's deadline, it keeps the call's idle clock (running while it waits for a
 * chunk) and ends the deadline when the body ends, fails or is destroyed.
 */
export function createBodyChunkReader(body: Readable, deadline?: UpstreamDeadline): BodyChunkReader {
  const queue: Buffer[] = [];
  let ended = false;
  let failure: unknown;
  let waiter: { resolve: (result: IteratorResult<Buffer>) => void; reject: (error: unknown) => void } | undefined;

  body.on('data', (chunk: Buffer) => {
    deadline?.bodyChunk();
    if (waiter) {
      const current = waiter;
      waiter = undefined;
      current.resolve({ done: false, value: chunk });
      // Nobody asks for the next chunk yet: hold the body until someone does.
      body.pause();
    } else {
      queue.push(chunk);
      body.pause();
    }
  });
  body.once('end', () => {
    ended = true;
    deadline?.finish();
    if (waiter) {
      const current = waiter;
      waiter = undefined;
      current.resolve({ done: true, value: undefined });
    }
  });
  body.on('error', (error) => {
    failure = error;
    deadline?.finish();
    if (waiter) {
      const current = waiter;
      waiter = undefined;
      current.reject(error);
    }
  });
  body.once('close', () => {
    deadline?.finish();
    // Destroyed without 'end' or 'error' (e.g. a premature close): report it as a failure.
    if (!ended && failure === undefined) {
      failure = new Error('upstream body closed before it ended');
      if (waiter) {
        const current = waiter;
        waiter = undefined;
        current.reject(failure);
      }
    }
  });
  body.pause();

  return {
    next() {
      const queued = queue.shift();
      if (queued !== undefined) return Promise.resolve({ done: false, value: queued });
      if (failure !== undefined) return Promise.reject(failure);
      if (ended) return Promise.resolve({ done: true, value: undefined });
      return new Promise((resolve, reject) => {
        waiter = { resolve, reject };
        deadline?.bodyWaiting();
        body.resume();
      });
    },
  };
}
