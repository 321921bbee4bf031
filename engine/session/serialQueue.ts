// Runs async jobs one at a time, in the order they were queued. A backend holds one
// run's step state at a time, so runs that share a backend (two notebooks, or a
// notebook and Run Training) must not interleave their chunks.
export interface SerialQueue {
  run<T>(job: () => Promise<T>): Promise<T>;
}

export function createSerialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(job: () => Promise<T>): Promise<T> {
      const result = tail.then(job, job);
      tail = result.catch(() => {});
      return result;
    },
  };
}
