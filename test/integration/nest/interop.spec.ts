import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { ClientKafka as NestClientKafka, Ctx, EventPattern, MessagePattern, Payload, RpcException, Transport } from '@nestjs/microservices';
import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { ClientKafka, KafkaContext, ServerKafka } from '../../../src/index.js';
import { uniqueGroupId, uniqueTopic, waitFor } from '../../../src/testing/index.js';
import { createTopicsWithLeaders } from '../../../src/driver/create-topics-with-leaders.js';
import { kafkaOptions, startMicroservice } from '../../support/nest-apps.js';
import { createTopics, quickGroupMoves, testBrokers, testKafka, testDriver } from '../../support/test-kafka.js';

type Sender = Pick<NestClientKafka, 'send' | 'emit'>;

/** One controller, served once by each server; each server gets its own topic prefix. */
function interopModule(prefix: string, events: unknown[]) {
  @Controller()
  class InteropController {
    @MessagePattern(`${prefix}.sum`)
    sum(@Payload() numbers: number[]) {
      return numbers.reduce((total, n) => total + n, 0);
    }

    @MessagePattern(`${prefix}.inspect`)
    inspect(@Payload() data: unknown, @Ctx() context: KafkaContext) {
      const message = context.getMessage() as unknown as { key: unknown; headers: Record<string, unknown> };
      return { data, messageKey: message.key, tenant: message.headers.tenant };
    }

    @MessagePattern(`${prefix}.binary`)
    binary(@Payload() data: Buffer) {
      return { isBuffer: Buffer.isBuffer(data), bytes: [...data] };
    }

    @MessagePattern(`${prefix}.stream`)
    stream() {
      return from(['a', 'b', 'c']);
    }

    @MessagePattern(`${prefix}.fail`)
    fail() {
      throw new RpcException({ code: 'DECLINED', reason: 'insufficient funds' });
    }

    @EventPattern(`${prefix}.created`)
    created(@Payload() event: unknown) {
      events.push(event);
    }
  }
  @Module({ controllers: [InteropController] })
  class InteropModule {}
  return InteropModule;
}

const PATTERNS = ['sum', 'inspect', 'binary', 'stream', 'fail'];

/** The same conversation, whichever transport serves and whichever calls. */
function describeConversation(title: string, setup: () => Promise<{ client: Sender; prefix: string; events: unknown[]; stop: () => Promise<void> }>) {
  describe(title, () => {
    let ctx: Awaited<ReturnType<typeof setup>>;
    beforeAll(async () => {
      ctx = await setup();
    });
    afterAll(async () => {
      await ctx?.stop();
    });

    it('answers a request', async () => {
      await expect(firstValueFrom(ctx.client.send(`${ctx.prefix}.sum`, [1, 2, 3, 4, 5]))).resolves.toBe('15');
    });

    it('carries keys and user headers to the handler', async () => {
      const reply = await firstValueFrom(ctx.client.send(`${ctx.prefix}.inspect`, { key: 'k-1', value: { n: 1 }, headers: { tenant: 'acme' } }));
      expect(reply).toEqual({ data: { n: 1 }, messageKey: 'k-1', tenant: 'acme' });
    });

    it('keeps a schema-framed binary value (leading 0x00) as bytes', async () => {
      const bytes = Buffer.from([0x00, 0x00, 0x00, 0x00, 0x07, 0xff, 0x10]);
      await expect(firstValueFrom(ctx.client.send(`${ctx.prefix}.binary`, bytes))).resolves.toEqual({ isBuffer: true, bytes: [...bytes] });
    });

    it('streams several values and completes', async () => {
      await expect(lastValueFrom(ctx.client.send(`${ctx.prefix}.stream`, {}).pipe(toArray()))).resolves.toEqual(['a', 'b', 'c']);
    });

    it('delivers an RpcException payload as the error', async () => {
      await expect(firstValueFrom(ctx.client.send(`${ctx.prefix}.fail`, {}))).rejects.toEqual({ code: 'DECLINED', reason: 'insufficient funds' });
    });

    it('delivers an event', async () => {
      await firstValueFrom(ctx.client.emit(`${ctx.prefix}.created`, { id: 'o-1' }));
      await waitFor(() => ctx.events.length > 0, { timeoutMs: 30_000, what: 'the event' });
      expect(ctx.events).toEqual([{ id: 'o-1' }]);
    });
  });
}

async function topicsFor(prefix: string) {
  await createTopics(testKafka(), [...PATTERNS.flatMap((name) => [`${prefix}.${name}`, `${prefix}.${name}.reply`]), `${prefix}.created`]);
}

async function connectNestClient(prefix: string): Promise<NestClientKafka> {
  const client = new NestClientKafka({ client: { brokers: testBrokers() }, consumer: { groupId: uniqueGroupId('nest-client') } });
  for (const name of PATTERNS) client.subscribeToResponseOf(`${prefix}.${name}`);
  await client.connect();
  // Nest's client resolves connect() before its reply group has assigned it partitions, and fails
  // sends until then (nestjs/nest#6197); ours waits for the assignment itself.
  await waitFor(() => Object.keys(client.getConsumerAssignments()).length === PATTERNS.length, { timeoutMs: 60_000, what: "Nest's client reply assignment" });
  return client;
}

async function connectOurClient(prefix: string): Promise<ClientKafka> {
  const client = new ClientKafka({ ...kafkaOptions('our-client'), requestTimeout: 20_000 });
  for (const name of PATTERNS) client.subscribeToResponseOf(`${prefix}.${name}`);
  await client.connect();
  return client;
}

describeConversation("our ServerKafka called by Nest's built-in ClientKafka", async () => {
  const prefix = uniqueTopic('ours-serves');
  const events: unknown[] = [];
  await topicsFor(prefix);
  const server: INestMicroservice = await startMicroservice(interopModule(prefix, events), new ServerKafka(kafkaOptions('our-server')));
  const client = await connectNestClient(prefix);
  return { client, prefix, events, stop: async () => (await client.close(), await server.close()) };
});

describeConversation("Nest's built-in ServerKafka called by our ClientKafka", async () => {
  const prefix = uniqueTopic('nest-serves');
  const events: unknown[] = [];
  await topicsFor(prefix);
  const server = await startMicroservice(interopModule(prefix, events), { transport: Transport.KAFKA, options: kafkaOptions('nest-server') });
  const client = await connectOurClient(prefix);
  return { client, prefix, events, stop: async () => (await client.close(), await server.close()) };
});

describe('a reply group shared by one of our clients and one built-in client', () => {
  it('gives each its own reply partition, so each gets exactly its own replies', async () => {
    const prefix = uniqueTopic('mixed');
    const events: unknown[] = [];
    const admin = testKafka().admin();
    await admin.connect();
    await createTopicsWithLeaders(admin, [{ topic: `${prefix}.sum`, numPartitions: 2 }, { topic: `${prefix}.sum.reply`, numPartitions: 2 }]);
    await admin.disconnect();
    const server = await startMicroservice(interopModule(prefix, events), new ServerKafka(kafkaOptions('mixed-server')));
    const groupId = uniqueGroupId('mixed-replies');
    const ours = new ClientKafka({ client: { brokers: testBrokers() }, consumer: { groupId, ...quickGroupMoves() }, requestTimeout: 20_000, ...testDriver() });
    const nest = new NestClientKafka({ client: { brokers: testBrokers() }, consumer: { groupId, ...quickGroupMoves() } });
    ours.subscribeToResponseOf(`${prefix}.sum`);
    nest.subscribeToResponseOf(`${prefix}.sum`);
    try {
      await ours.connect();
      await nest.connect();
      // The second member's join rebalances the group; wait until both hold a reply partition.
      await waitFor(
        () => {
          const a = ours.getConsumerAssignments()[`${prefix}.sum.reply`];
          const b = nest.getConsumerAssignments()[`${prefix}.sum.reply`];
          return a !== undefined && b !== undefined && a !== b;
        },
        { timeoutMs: 60_000, what: 'both clients to own a reply partition' },
      );
      const sums = await Promise.all(
        Array.from({ length: 10 }, (_, i) => firstValueFrom((i % 2 === 0 ? ours : nest).send(`${prefix}.sum`, [i, 1]))),
      );
      expect(sums).toEqual(Array.from({ length: 10 }, (_, i) => String(i + 1)));
    } finally {
      await ours.close();
      await nest.close();
      await server.close();
    }
  });
});
