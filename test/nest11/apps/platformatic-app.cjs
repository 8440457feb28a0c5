// A NestJS 11 application in CommonJS on the platformatic driver, as a Nest 11 user on Node >= 22.22
// runs it: @nestjs/* 11 from this fixture, nestjs-kafka-transport's CommonJS build, and
// @platformatic/kafka (ES modules only) loaded through require(). It answers one request and handles
// one event, then prints what it saw as one JSON line.
const { Controller, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { EventPattern, MessagePattern } = require('@nestjs/microservices');
const { lastValueFrom } = require('rxjs');
const { ClientKafka, ServerKafka } = require('nestjs-kafka-transport');

const { KAFKA_BROKERS, REQUESTS, EVENTS, GROUP } = process.env;
const events = [];

class PricesController {
  quote(request) {
    return { item: request.item, price: 42 };
  }

  recorded(event) {
    events.push(event);
  }
}
// The decorators as TypeScript applies them, so that this file runs as plain JavaScript.
const method = (name) => [PricesController.prototype, name, Object.getOwnPropertyDescriptor(PricesController.prototype, name)];
MessagePattern(REQUESTS)(...method('quote'));
EventPattern(EVENTS)(...method('recorded'));
Controller()(PricesController);

class PricesModule {}
Module({ controllers: [PricesController] })(PricesModule);

async function main() {
  const options = { client: { brokers: KAFKA_BROKERS.split(','), clientId: 'nest11-commonjs' }, subscribe: { fromBeginning: true }, driver: 'platformatic' };
  const app = await NestFactory.createMicroservice(PricesModule, { strategy: new ServerKafka({ ...options, consumer: { groupId: GROUP } }), logger: ['error'] });
  await app.listen();
  const client = new ClientKafka({ ...options, consumer: { groupId: `${GROUP}-caller` } });
  client.subscribeToResponseOf(REQUESTS);
  try {
    await client.connect();
    const reply = await lastValueFrom(client.send(REQUESTS, { item: 'tea' }));
    await lastValueFrom(client.emit(EVENTS, { item: 'tea', sold: 1 }));
    for (const deadline = Date.now() + 30_000; events.length === 0 && Date.now() < deadline; ) await new Promise((wake) => setTimeout(wake, 50));
    const report = {
      nest: require('@nestjs/microservices/package.json').version,
      transport: require.resolve('nestjs-kafka-transport'),
      producer: client.producer.constructor.name,
      reply,
      events,
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await client.close();
    await app.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});
