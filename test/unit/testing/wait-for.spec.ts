import { waitFor } from '../../../src/testing/index.js';

describe('waitFor', () => {
  it('returns the first value the check yields', async () => {
    let calls = 0;
    await expect(waitFor(() => (++calls >= 3 ? `done after ${calls}` : false), { timeoutMs: 2000, intervalMs: 1, what: 'x' })).resolves.toBe(
      'done after 3',
    );
  });

  it('fails at the deadline, naming what it waited for and the last error', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('broker said no');
        },
        { timeoutMs: 50, intervalMs: 10, what: 'the broker' },
      ),
    ).rejects.toThrow(/timed out after 50 ms waiting for the broker; last error: broker said no/);
  });

  it('ends at once on an error of the stopOn class', async () => {
    class Fatal extends Error {}
    const started = Date.now();
    await expect(
      waitFor(
        () => {
          throw new Fatal('process exited');
        },
        { timeoutMs: 10_000, what: 'x', stopOn: Fatal },
      ),
    ).rejects.toThrow('process exited');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
