/** Runs at most `concurrency` tasks at a time, the others waiting in arrival order. */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

const COMPACT_AFTER = 1024;

export function createLimiter(concurrency: number): Limiter {
  let running = 0;
  // A queue read from a moving head: a scheduler turn can leave tens of thousands of calls waiting, and
  // Array#shift on an array that long copies it on every call.
  let waiting: (() => void)[] = [];
  let head = 0;
  const release = () => {
    running--;
    if (head === waiting.length) return;
    const next = waiting[head++]!;
    if (head === waiting.length) {
      waiting = [];
      head = 0;
    } else if (head >= COMPACT_AFTER && head * 2 >= waiting.length) {
      waiting = waiting.slice(head);
      head = 0;
    }
    next();
  };
  return async (task) => {
    if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      release();
    }
  };
}
