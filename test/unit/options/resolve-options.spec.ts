import { Transport } from '@nestjs/microservices';
import { InvalidOptionError } from '../../../src/errors/invalid-option.error.js';
import { resolveOptions } from '../../../src/options/resolve-options.js';

describe('resolveOptions', () => {
  it('applies Nest\'s defaults and postfixes', () => {
    const server = resolveOptions({}, 'server');
    expect(server).toMatchObject({ brokers: ['localhost:9092'], clientId: 'nestjs-consumer-server', groupId: 'nestjs-group-server', requestTimeoutMs: 30_000 });
    expect(resolveOptions({ client: { clientId: 'orders' }, postfixId: '' }, 'client').clientId).toBe('orders');
  });

  it('accepts the whole { transport: Transport.KAFKA, options } object unchanged', () => {
    const resolved = resolveOptions({ transport: Transport.KAFKA, options: { client: { brokers: ['k:1'] }, consumer: { groupId: 'g' } } }, 'client');
    expect(resolved).toMatchObject({ brokers: ['k:1'], groupId: 'g-client' });
  });

  it('never changes the caller\'s object and returns a frozen one', () => {
    const input = { client: { brokers: ['k:1'] }, consumer: { groupId: 'g' } };
    const snapshot = structuredClone(input);
    const resolved = resolveOptions(input, 'server');
    expect(input).toEqual(snapshot);
    expect(Object.isFrozen(resolved)).toBe(true);
  });

  it.each([
    [{ client: { brokers: 'localhost:9092' } }, 'client.brokers', 'Pass an array of "host:port" strings'],
    [{ client: { brokers: [] } }, 'client.brokers', 'the list is empty'],
    [{ client: { brokers: ['no-port'] } }, 'client.brokers', '"no-port" is not "host:port"'],
    [{ consumer: { groupId: 5 } }, 'consumer.groupId', 'expected a string'],
    [{ run: { eachMessage: async () => undefined } }, 'run.eachMessage', 'Remove run.eachMessage'],
    [{ run: { partitionsConsumedConcurrently: 0 } }, 'run.partitionsConsumedConcurrently', 'at least 1'],
    [{ requestTimeout: -1 }, 'requestTimeout', 'positive number of milliseconds'],
    [{ serializer: {} }, 'serializer', 'serialize() method'],
    [{ parser: { keepBinary: 'yes' } }, 'parser.keepBinary', 'expected a boolean'],
    [{ topicConsumers: 'yes' }, 'topicConsumers', '{ topicConsumers: true }'],
  ])('rejects %j naming the option and the fix', (input, option, fragment) => {
    expect.assertions(3);
    try {
      resolveOptions(input as never, 'server');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect((error as InvalidOptionError).option).toBe(option);
      expect((error as Error).message).toContain(fragment);
    }
  });
});
