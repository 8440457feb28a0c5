import { Body, Controller, HttpException, Inject, Module, Post, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ClientsModule } from '@nestjs/microservices';
import { logLevel } from 'kafkajs';
import { ClientKafka } from 'nestjs-kafka-transport';
import { firstValueFrom } from 'rxjs';
import type { ChargeRequest, OrderCreated } from './billing.module.js';

export const BILLING = Symbol('BILLING');

interface NewOrder {
  item: string;
  amount: number;
}

@Controller('orders')
export class OrdersController implements OnModuleInit, OnModuleDestroy {
  private sequence = 0;

  constructor(@Inject(BILLING) private readonly billing: ClientKafka) {}

  async onModuleInit() {
    this.billing.subscribeToResponseOf('billing.charge');
    await this.billing.connect();
  }

  async onModuleDestroy() {
    await this.billing.close();
  }

  @Post()
  async create(@Body() order: NewOrder) {
    const orderId = `o-${++this.sequence}`;
    try {
      const charge = await firstValueFrom(this.billing.send<unknown, ChargeRequest>('billing.charge', { orderId, amount: order.amount }, { timeout: 10_000 }));
      const event: OrderCreated = { orderId, ...order };
      // The key keeps every event of one order on one partition, in order.
      await firstValueFrom(this.billing.emit('order.created', { key: orderId, value: event }));
      return { orderId, charge };
    } catch (error) {
      throw new HttpException({ orderId, error }, 402);
    }
  }
}

/** The HTTP gateway; the Kafka client is registered the Nest way, with this transport's class. */
export function ordersModule(brokers: string[]) {
  @Module({
    imports: [
      ClientsModule.register([
        {
          name: BILLING,
          customClass: ClientKafka,
          options: { client: { clientId: 'orders', brokers, logLevel: logLevel.WARN }, consumer: { groupId: 'orders' } },
        },
      ]),
    ],
    controllers: [OrdersController],
  })
  class OrdersModule {}
  return OrdersModule;
}
