import type { Consumer, ConsumerGroupJoinEvent } from 'kafkajs';

// Longer than kafkajs's default session timeout, so a slow first rebalance still counts.
const FIRST_JOIN_WAIT_MS = 45_000;

/**
 * Resolves with the member assignment of the consumer's next group join, or undefined when none
 * came within the wait: a caller then goes on, and the group keeps trying in the background.
 */
export function firstGroupJoin(consumer: Consumer, waitMs = FIRST_JOIN_WAIT_MS): Promise<ConsumerGroupJoinEvent['payload']['memberAssignment'] | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      remove();
      resolve(undefined);
    }, waitMs);
    timer.unref();
    const remove = consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      clearTimeout(timer);
      remove();
      resolve(payload.memberAssignment);
    });
  });
}
