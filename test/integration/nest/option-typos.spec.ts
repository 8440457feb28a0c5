import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientsModule, EventPattern, type MicroserviceOptions } from '@nestjs/microservices';
import { ClientKafka, InvalidOptionError, ServerKafka } from '../../../src/index.js';
import { uniqueTopic } from '../../../src/testing/index.js';
import { kafkaOptions } from '../../support/nest-apps.js';

// A misspelt groupId once joined the default group quietly; these run on each driver and Nest version.
describe('a mistyped option', () => {
  it('fails the server at construction, naming the key and the valid one', () => {
    const options = kafkaOptions('typo-server');
    expect(() => new ServerKafka({ ...options, consumer: { groupid: 'billing' } } as never)).toThrow(
      expect.objectContaining({ option: 'consumer.groupid', message: expect.stringContaining('Did you mean "consumer.groupId"?') }),
    );
  });

  it('fails ClientsModule.register, which builds the client as the module is declared', () => {
    const options = kafkaOptions('typo-client');
    const register = () => ClientsModule.register([{ name: 'BILLING', customClass: ClientKafka, options: { ...options, consumer: { ...options.consumer, sesionTimeout: 10_000 } } as never }]);
    expect(register).toThrow(InvalidOptionError);
    expect(register).toThrow('Did you mean "consumer.sessionTimeout"?');
  });

  it('fails ClientsModule.registerAsync when the module starts', async () => {
    const options = kafkaOptions('typo-async-client');
    @Module({ imports: [ClientsModule.registerAsync([{ name: 'BILLING', useFactory: () => ({ customClass: ClientKafka, options: { ...options, send: { ack: -1 } } as never }) }])] })
    class CallerModule {}
    const started = NestFactory.createApplicationContext(CallerModule, { logger: false, abortOnError: false });
    await expect(started).rejects.toThrow('Invalid Kafka transport option "send.ack": send has no option "ack". Did you mean "send.acks"?');
  });

  it("fails listen() for a key of a handler's extras that nothing reads, naming the handler", async () => {
    const topic = uniqueTopic('typo-extras');
    @Controller()
    class OrdersController {
      @EventPattern<string>(topic, { handlerTimout: 5000 })
      handle() {}
    }
    @Module({ controllers: [OrdersController] })
    class OrdersModule {}
    const app = await NestFactory.createMicroservice<MicroserviceOptions>(OrdersModule, { strategy: new ServerKafka(kafkaOptions('typo-extras')), logger: false });
    try {
      await expect(app.listen()).rejects.toThrow(`@EventPattern('${topic}') extras has no option "handlerTimout". Did you mean "@EventPattern('${topic}') extras.handlerTimeout"?`);
    } finally {
      await app.close();
    }
  });
});
