import { Controller, Module } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { KafkaContext } from 'nestjs-kafka-transport';

export interface ChargeRequest {
  orderId: string;
  amount: number;
}

export interface OrderCreated {
  orderId: string;
  item: string;
  amount: number;
}

// Charges above this are declined, so the example shows an error travelling back to the caller.
const CARD_LIMIT = 500;

@Controller()
export class BillingController {
  @MessagePattern('billing.charge')
  charge(@Payload() request: ChargeRequest) {
    if (request.amount > CARD_LIMIT) {
      throw new RpcException({ code: 'CARD_DECLINED', orderId: request.orderId, reason: `amount ${request.amount} is over the card limit of ${CARD_LIMIT}` });
    }
    console.log(`[billing] charged ${request.amount} for ${request.orderId}`);
    return { chargeId: `ch-${request.orderId}`, amount: request.amount, status: 'charged' };
  }

  @EventPattern<string>('order.created')
  orderCreated(@Payload() event: OrderCreated, @Ctx() context: KafkaContext) {
    console.log(`[billing] order.created ${event.orderId} (${event.item}) from partition ${context.getPartition()}`);
  }
}

@Module({ controllers: [BillingController] })
export class BillingModule {}
