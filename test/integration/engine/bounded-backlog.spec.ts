import { uniqueGroupId, uniqueTopic } from '../../../src/testing/index.js';
import { ChildEventServer } from '../../support/child-event-server.js';
import { createTopics, testKafka } from '../../support/test-kafka.js';

const TOPIC = uniqueTopic('bounded-backlog');
const PARTITIONS = 2;
const RECORDS = 100_000;
const RECORD_BYTES = 1024;
const PER_SEND = 1_000;
const MB = 1024 * 1024;

// Far more than the backlog bounds hold (10,000 records a consumer; on kafkajs 2,000 a partition) is
// waiting behind a slow handler: what the server holds stays near the bound, not near what is waiting.
describe('the backlog behind a slow handler', () => {
  let server: ChildEventServer | undefined;

  beforeAll(async () => {
    await createTopics(testKafka(), [TOPIC], PARTITIONS);
  });

  afterAll(() => server?.kill());

  it(`holds a bounded share of ${RECORDS} records of 1 KB in memory while a 1 s handler works through them`, async () => {
    let handled = 0;
    server = await ChildEventServer.start(TOPIC, uniqueGroupId('bounded-backlog'), () => void (handled += 1), { handlerMs: 1000 });
    const before = await server.memory();
    const producer = testKafka().producer();
    await producer.connect();
    try {
      const filler = 'x'.repeat(RECORD_BYTES - 20);
      for (let sent = 0; sent < RECORDS; sent += PER_SEND) {
        const messages = Array.from({ length: PER_SEND }, (_, index) => ({ partition: index % PARTITIONS, value: JSON.stringify({ n: sent + index, filler }) }));
        await producer.send({ topic: TOPIC, messages, acks: -1 });
      }
    } finally {
      await producer.disconnect();
    }
    // Time for the consumer to fetch whatever it would take in; the peak of three readings counts.
    const readings: number[] = [];
    for (let reading = 0; reading < 3; reading += 1) {
      await new Promise((wake) => setTimeout(wake, 1500));
      readings.push(await server.memory());
    }
    const grown = Math.max(...readings) - before;
    const waiting = (RECORDS * RECORD_BYTES) / MB;
    process.stdout.write(`[memory] ${RECORDS} records (${waiting.toFixed(0)} MB) behind a 1 s handler on ${PARTITIONS} partitions: heap and buffers grew ${(grown / MB).toFixed(1)} MB (before ${(before / MB).toFixed(1)} MB); handled meanwhile ${handled}\n`);
    // The handler keeps its pace: a slow record at a time per partition.
    expect(handled).toBeLessThan(50);
    // Unbounded, the consumer would hold all of it (98 MB of values alone); the bounds hold about a quarter.
    expect(grown).toBeLessThan(waiting * MB * 0.4);
  });
});
