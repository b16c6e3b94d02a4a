/**
 * Runs `prepare` on up to `concurrency` items ahead and `consume` on the results strictly in item order, so work runs
 * in parallel while the output is still written sequentially. At most `concurrency` prepared results wait at a time.
 * The first failure stops the launch of new work and is rethrown; results still in flight are passed to `dispose`.
 */
export async function runOrdered<T, R>(
  items: readonly T[],
  concurrency: number,
  prepare: (item: T, index: number) => Promise<R>,
  consume: (result: R, item: T, index: number) => Promise<void>,
  dispose: (result: R) => void,
): Promise<void> {
  const pending: Promise<R>[] = [];
  let next = 0;
  let failed = false;
  const launch = (): void => {
    while (!failed && next < items.length && pending.length < concurrency) {
      const i = next++;
      const p = prepare(items[i]!, i);
      // If the batch fails first, this result is never consumed: release what it holds, and never report it unhandled.
      p.then(
        (r) => {
          if (failed) dispose(r);
        },
        () => {},
      );
      pending.push(p);
    }
  };
  launch();
  for (let i = 0; pending.length > 0; i++) {
    let result: R;
    try {
      result = await pending.shift()!;
    } catch (e) {
      failed = true;
      throw e;
    }
    launch();
    try {
      await consume(result, items[i]!, i);
    } catch (e) {
      failed = true;
      throw e;
    } finally {
      dispose(result);
    }
  }
}
