import type { RecordMetadata } from '../../../src/codec/kafka-record.js';
import type { OutgoingKafkaMessage as Message } from '../../../src/codec/outgoing-message.js';
import { ProduceCoalescer } from '../../../src/producer/produce-coalescer.js';

const metadataFor = (topic: string): RecordMetadata[] => [{ topicName: topic, partition: 0, errorCode: 0 }];
const outcomeFor = (topic: string, refused = new Map<Message, Error>()) => ({ metadata: metadataFor(topic), refused });
const values = (messages: Message[]) => messages.map((message) => message.value);
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('ProduceCoalescer', () => {
  it('sends messages for one topic made together in one request, in order, and resolves each with its metadata', async () => {
    const requests: [string, unknown[]][] = [];
    const coalescer = new ProduceCoalescer(async (topic, messages) => (requests.push([topic, values(messages)]), outcomeFor(topic)), 100);
    const results = await Promise.all([coalescer.enqueue('a', [{ value: '1', headers: {} }]), coalescer.enqueue('b', [{ value: '2', headers: {} }]), coalescer.enqueue('a', [{ value: '3', headers: {} }])]);
    expect(requests).toEqual([
      ['a', ['1', '3']],
      ['b', ['2']],
    ]);
    expect(results.map((metadata) => metadata.map((entry) => entry.topicName))).toEqual([['a'], ['b'], ['a']]);
  });

  it('holds later messages while a request is on its way and never exceeds the message bound', async () => {
    const sizes: number[] = [];
    let release!: () => void;
    const firstHeld = new Promise<void>((resolve) => (release = resolve));
    const coalescer = new ProduceCoalescer(async (topic, messages) => {
      sizes.push(messages.length);
      if (sizes.length === 1) await firstHeld;
      return outcomeFor(topic);
    }, 3);
    const first = coalescer.enqueue('t', [{ value: 'x', headers: {} }]);
    await turn();
    const later = Array.from({ length: 7 }, (_, i) => coalescer.enqueue('t', [{ value: String(i), headers: {} }]));
    release();
    await Promise.all([first, ...later]);
    expect(sizes).toEqual([1, 3, 3, 1]);
  });

  it('fails every message of a request the broker refused, and goes on with the next', async () => {
    let calls = 0;
    const coalescer = new ProduceCoalescer(async (topic) => {
      calls += 1;
      if (calls === 1) throw new Error('broker down');
      return outcomeFor(topic);
    }, 1);
    const outcomes = await Promise.allSettled([coalescer.enqueue('t', [{ value: '1', headers: {} }]), coalescer.enqueue('t', [{ value: '2', headers: {} }])]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'fulfilled']);
  });

  it('lets other topics through while one topic\'s request hangs', async () => {
    let releaseStuck!: () => void;
    const stuck = new Promise<void>((resolve) => (releaseStuck = resolve));
    const coalescer = new ProduceCoalescer(async (topic) => {
      if (topic === 'missing') await stuck;
      return outcomeFor(topic);
    }, 100);
    const held = coalescer.enqueue('missing', [{ value: '1', headers: {} }]);
    await turn();
    const heldToo = coalescer.enqueue('missing', [{ value: '2', headers: {} }]);
    await expect(coalescer.enqueue('orders', [{ value: '3', headers: {} }])).resolves.toEqual(metadataFor('orders'));
    releaseStuck();
    await expect(Promise.all([held, heldToo])).resolves.toHaveLength(2);
  });

  it('fails only the caller whose own message was refused, not the others sharing its request', async () => {
    const coalescer = new ProduceCoalescer(async (topic, messages) => outcomeFor(topic, new Map(messages.filter((message) => message.partition === 99).map((message) => [message, new Error('no partition 99')]))), 100);
    const outcomes = await Promise.allSettled([coalescer.enqueue('t', [{ value: '1', headers: {} }]), coalescer.enqueue('t', [{ value: '2', partition: 99, headers: {} }]), coalescer.enqueue('t', [{ value: '3', headers: {} }])]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
