import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { ClientKafka, InvalidOptionError, KafkaContext, ServerKafka } from '../../../src/index.js';
import { uniqueTopic, waitFor } from '../../../src/testing/index.js';
import { kafkaOptions, startMicroservice } from '../../support/nest-apps.js';
import { createTopics, testKafka } from '../../support/test-kafka.js';

const p = uniqueTopic('patterns');
const AUDIT_A = `${p}.audit.a`;
const AUDIT_B = `${p}.audit.b`;
const audited: string[] = [];

@Controller()
class AuditController {
  // kafkajs subscribes a RegExp to the topics that exist when the server starts.
  @EventPattern<RegExp>(new RegExp(`^${p.replace(/[.-]/g, '\\$&')}\\.audit\\..+$`))
  audit(@Payload() event: { what: string }, @Ctx() context: KafkaContext) {
    audited.push(`${context.getTopic()}:${event.what}`);
  }
}

@Module({ controllers: [AuditController] })
class AuditModule {}

describe('patterns', () => {
  let server: INestMicroservice;

  afterAll(async () => {
    await server?.close();
  });

  it('routes events from every topic a RegExp pattern matches to its handler', async () => {
    await createTopics(testKafka(), [AUDIT_A, AUDIT_B]);
    server = await startMicroservice(AuditModule, new ServerKafka(kafkaOptions('audit')));
    const client = new ClientKafka({ ...kafkaOptions('audit-client'), producerOnlyMode: true });
    await client.connect();
    try {
      await firstValueFrom(client.emit(AUDIT_A, { what: 'login' }));
      await firstValueFrom(client.emit(AUDIT_B, { what: 'logout' }));
      await waitFor(() => audited.length >= 2, { timeoutMs: 30_000, what: 'two audit events' });
    } finally {
      await client.close();
    }
    expect(audited.sort()).toEqual([`${AUDIT_A}:login`, `${AUDIT_B}:logout`]);
  });

  it('refuses bad options when the strategy is built, naming the option and the fix', () => {
    expect(() => new ServerKafka({ client: { brokers: 'localhost:9092' as unknown as string[] } })).toThrow(InvalidOptionError);
    expect(() => new ClientKafka({ requestTimeout: 0 })).toThrow('Invalid Kafka transport option "requestTimeout"');
  });
});
