import type { RecordMetadata, TopicMessages } from 'kafkajs';
import { EmitCoalescer } from '../../../src/client/emit-coalescer.js';

const metadataFor = (batch: TopicMessages[]): RecordMetadata[] => batch.map(({ topic }) => ({ topicName: topic, partition: 0, errorCode: 0 }));

describe('EmitCoalescer', () => {
  it('sends emits made together in one request, in order, and resolves each with its topic\'s metadata', async () => {
    const requests: TopicMessages[][] = [];
    const coalescer = new EmitCoalescer(async (batch) => (requests.push(batch), metadataFor(batch)), 100);
    const results = await Promise.all([coalescer.enqueue('a', [{ value: '1' }]), coalescer.enqueue('b', [{ value: '2' }]), coalescer.enqueue('a', [{ value: '3' }])]);
    expect(requests).toEqual([[{ topic: 'a', messages: [{ value: '1' }, { value: '3' }] }, { topic: 'b', messages: [{ value: '2' }] }]]);
    expect(results.map((metadata) => metadata.map((entry) => entry.topicName))).toEqual([['a'], ['b'], ['a']]);
  });

  it('holds later emits while a request is on its way and never exceeds the message bound', async () => {
    const sizes: number[] = [];
    let release!: () => void;
    const firstHeld = new Promise<void>((resolve) => (release = resolve));
    const coalescer = new EmitCoalescer(async (batch) => {
      sizes.push(batch.reduce((n, entry) => n + entry.messages.length, 0));
      if (sizes.length === 1) await firstHeld;
      return metadataFor(batch);
    }, 3);
    const first = coalescer.enqueue('t', [{ value: 'x' }]);
    await new Promise((resolve) => setImmediate(resolve));
    const later = Array.from({ length: 7 }, (_, i) => coalescer.enqueue('t', [{ value: String(i) }]));
    release();
    await Promise.all([first, ...later]);
    expect(sizes).toEqual([1, 3, 3, 1]);
  });

  it('fails every emit of a request the broker refused, and goes on with the next', async () => {
    let calls = 0;
    const coalescer = new EmitCoalescer(async (batch) => {
      calls += 1;
      if (calls === 1) throw new Error('broker down');
      return metadataFor(batch);
    }, 1);
    const outcomes = await Promise.allSettled([coalescer.enqueue('t', [{ value: '1' }]), coalescer.enqueue('t', [{ value: '2' }])]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'fulfilled']);
  });
});
