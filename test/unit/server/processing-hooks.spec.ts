import { runWithProcessingHooks, type ProcessingHooks } from '../../../src/server/processing-hooks.js';

function hooks(start: ProcessingHooks['start']) {
  const calls: string[] = [];
  const endErrors: unknown[] = [];
  const value: ProcessingHooks = {
    transportId: 'kafka',
    start,
    end: (transportId, context) => {
      calls.push(`end ${String(transportId)} ${String(context)}`);
    },
    onEndHookError: (error) => endErrors.push(error),
  };
  return { value, calls, endErrors };
}

describe('runWithProcessingHooks', () => {
  it("resolves with the handling's result and leaves the end hook to it", async () => {
    const { value, calls } = hooks((_id, _context, done) => done());
    let end!: () => void;
    await expect(runWithProcessingHooks(value, 'ctx', async (ending) => ((end = ending), 'handled'))).resolves.toBe('handled');
    expect(calls).toEqual([]);
    end();
    end();
    expect(calls).toEqual(['end kafka ctx']);
  });

  it('runs the end hook once and rejects when the handling fails, thrown or rejected', async () => {
    for (const handle of [
      () => {
        throw new Error('sync');
      },
      () => Promise.reject(new Error('async')),
    ]) {
      const { value, calls } = hooks((_id, _context, done) => done());
      await expect(runWithProcessingHooks(value, 'ctx', handle)).rejects.toThrow(/sync|async/);
      expect(calls).toEqual(['end kafka ctx']);
    }
  });

  it('waits for a start hook that calls done later, and does not rely on its return value', async () => {
    const { value } = hooks((_id, _context, done) => {
      setTimeout(() => void done(), 20);
    });
    const started = Date.now();
    await expect(runWithProcessingHooks(value, 'ctx', async () => 'late')).resolves.toBe('late');
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  });

  it('fails the message when the start hook throws or rejects before calling done', async () => {
    let handled = 0;
    const handle = async () => ((handled += 1), 'never');
    const throwing = hooks(() => {
      throw new Error('hook broke');
    });
    await expect(runWithProcessingHooks(throwing.value, 'ctx', handle)).rejects.toThrow('hook broke');
    const rejecting = hooks(() => Promise.reject(new Error('hook rejected')));
    await expect(runWithProcessingHooks(rejecting.value, 'ctx', handle)).rejects.toThrow('hook rejected');
    expect(handled).toBe(0);
  });

  it('reports an end hook that throws instead of failing the handled message', async () => {
    const { value, endErrors } = hooks((_id, _context, done) => done());
    value.end = () => {
      throw new Error('span exporter down');
    };
    await expect(runWithProcessingHooks(value, 'ctx', async (end) => (end(), 'handled'))).resolves.toBe('handled');
    expect(endErrors).toEqual([new Error('span exporter down')]);
  });
});
