import { Logger } from '@nestjs/common';
import { createServer } from 'node:net';
import { awaitReachableBroker } from '../../../src/driver/broker-reachability.js';
import { BrokerUnavailableError } from '../../../src/errors/broker-unavailable.error.js';
import { resolveOptions } from '../../../src/options/resolve-options.js';
import { freePort } from '../../../src/testing/free-port.js';

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return Object.assign(new Logger('test'), { warnings, warn: (message: string) => void warnings.push(message) });
}

describe('awaitReachableBroker', () => {
  it('resolves at once when one of the brokers accepts connections', async () => {
    const listener = createServer((socket) => socket.destroy()).listen(0, '127.0.0.1');
    await new Promise((ready) => listener.once('listening', ready));
    const open = `127.0.0.1:${(listener.address() as { port: number }).port}`;
    const closed = `127.0.0.1:${await freePort()}`;
    const logger = recordingLogger();
    await awaitReachableBroker(resolveOptions({ client: { brokers: [closed, open] } }, 'server'), logger, new AbortController().signal);
    listener.close();
    expect(logger.warnings).toEqual([]);
  });

  it('retries as client.retry says, then fails naming the options that bound the wait', async () => {
    const closed = `127.0.0.1:${await freePort()}`;
    const logger = recordingLogger();
    const settings = resolveOptions({ client: { brokers: [closed], retry: { retries: 2, initialRetryTime: 10, maxRetryTime: 15 } } }, 'server');
    const failure = awaitReachableBroker(settings, logger, new AbortController().signal);
    await expect(failure).rejects.toBeInstanceOf(BrokerUnavailableError);
    await expect(failure).rejects.toThrow(`(${closed}: ECONNREFUSED), in 3 attempts`);
    await expect(failure).rejects.toThrow('client.retry (retries: 2, initialRetryTime: 10 ms, maxRetryTime: 15 ms)');
    expect(logger.warnings.map((line) => line.replace(/.*trying again/, 'trying again'))).toEqual(['trying again in 10 ms (attempt 2 of 3)', 'trying again in 15 ms (attempt 3 of 3)']);
  });

  it('ends with the abort reason when close() is called while it waits, and warns no more', async () => {
    const closed = `127.0.0.1:${await freePort()}`;
    const logger = recordingLogger();
    const controller = new AbortController();
    const waiting = awaitReachableBroker(resolveOptions({ client: { brokers: [closed] } }, 'client'), logger, controller.signal);
    while (logger.warnings.length === 0) await new Promise((tick) => setTimeout(tick, 5));
    const reason = new Error('closed');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    await new Promise((pause) => setTimeout(pause, 700));
    expect(logger.warnings).toHaveLength(1);
  });
});
