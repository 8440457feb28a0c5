import 'reflect-metadata';
import { Controller, Module, type INestApplicationContext, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientsModule, MessagePattern, Payload } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { ClientKafka, ServerKafka } from '../../../src/index.js';
import { uniqueTopic } from '../../../src/testing/index.js';
import { kafkaOptions, startMicroservice } from '../../support/nest-apps.js';

const GREET = `${uniqueTopic('modules')}.greet`;

@Controller()
class GreetController {
  @MessagePattern(GREET)
  greet(@Payload() name: string) {
    return `hello ${name}`;
  }
}

@Module({ controllers: [GreetController] })
class GreetModule {}

describe('ClientsModule with this transport\'s client class', () => {
  let server: INestMicroservice;
  const contexts: INestApplicationContext[] = [];

  beforeAll(async () => {
    server = await startMicroservice(GreetModule, new ServerKafka(kafkaOptions('greeter')));
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await server?.close();
  });

  async function clientFrom(module: unknown): Promise<ClientKafka> {
    const context = await NestFactory.createApplicationContext(module as never, { logger: false });
    contexts.push(context);
    const client = context.get<ClientKafka>('GREETER');
    client.subscribeToResponseOf(GREET);
    await client.connect();
    return client;
  }

  it('register({ customClass }) injects a working ClientKafka', async () => {
    @Module({ imports: [ClientsModule.register([{ name: 'GREETER', customClass: ClientKafka, options: kafkaOptions('register') }])] })
    class CallerModule {}
    const client = await clientFrom(CallerModule);
    expect(client).toBeInstanceOf(ClientKafka);
    await expect(firstValueFrom(client.send(GREET, 'Ada'))).resolves.toBe('hello Ada');
  });

  it('registerAsync({ useFactory }) injects a working ClientKafka', async () => {
    @Module({ imports: [ClientsModule.registerAsync([{ name: 'GREETER', useFactory: () => ({ customClass: ClientKafka, options: kafkaOptions('register-async') }) }])] })
    class AsyncCallerModule {}
    const client = await clientFrom(AsyncCallerModule);
    expect(client).toBeInstanceOf(ClientKafka);
    await expect(firstValueFrom(client.send(GREET, 'Grace'))).resolves.toBe('hello Grace');
  });
});
