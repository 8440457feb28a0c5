import { ServerClosingError, ShutdownSignal } from '../../../src/server/shutdown-signal.js';

describe('ShutdownSignal', () => {
  it('settles a race with its work, and keeps nothing once the work settled', async () => {
    const signal = new ShutdownSignal();
    const races = Array.from({ length: 1000 }, (_, n) => signal.race(Promise.resolve(n)));
    expect(signal.pending).toBe(1000);
    await expect(Promise.all(races)).resolves.toHaveLength(1000);
    await expect(signal.race(Promise.reject(new Error('handler failed')))).rejects.toThrow('handler failed');
    expect(signal.pending).toBe(0);
  });

  it('rejects waiting races with ServerClosingError when triggered, and later ones at once', async () => {
    const signal = new ShutdownSignal();
    const never = signal.race(new Promise(() => undefined));
    signal.trigger();
    await expect(never).rejects.toBeInstanceOf(ServerClosingError);
    expect(signal.pending).toBe(0);
    await expect(signal.race(Promise.resolve(1))).rejects.toMatchObject({ code: 'KAFKA_SERVER_CLOSING', retriable: true });
  });

  it('lets work raced after the trigger fail later, unseen', async () => {
    const signal = new ShutdownSignal();
    signal.trigger();
    let fail!: (error: Error) => void;
    const work = new Promise((_, reject) => (fail = reject));
    await expect(signal.race(work)).rejects.toBeInstanceOf(ServerClosingError);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      fail(new Error('late'));
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  it('rejects work that outlives its bound with the bound\'s error, and passes on work that settles in time', async () => {
    const signal = new ShutdownSignal();
    const bound = { ms: 20, timedOut: () => new Error('too slow') };
    const late = new Promise((resolve) => setTimeout(resolve, 200));
    await expect(signal.race(late, bound)).rejects.toThrow('too slow');
    await expect(signal.race(Promise.resolve(7), bound)).resolves.toBe(7);
    await expect(signal.race(Promise.reject(new Error('own')), bound)).rejects.toThrow('own');
    expect(signal.pending).toBe(0);
    expect(signal.deadlines(20).size).toBe(0);
  });

  it('ends bounded work with ServerClosingError when triggered, and no bound fires after', async () => {
    const signal = new ShutdownSignal();
    let timedOut = 0;
    const never = signal.race(new Promise(() => undefined), { ms: 20, timedOut: () => new Error(`timed out ${++timedOut}`) });
    signal.trigger();
    await expect(never).rejects.toBeInstanceOf(ServerClosingError);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(timedOut).toBe(0);
  });
});
