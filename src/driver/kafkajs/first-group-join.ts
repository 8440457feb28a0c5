import type { Consumer, ConsumerGroupJoinEvent } from 'kafkajs';

// Longer than kafkajs's default session timeout, so a slow first rebalance still counts.
const FIRST_JOIN_WAIT_MS = 45_000;

/**
 * Resolves with the member assignment of the consumer's next group join, or undefined when none
 * came within the wait: a caller then goes on, and the group keeps trying in the background. Rejects
 * when the consumer crashed for good first (kafkajs does not restart it: a refused group, say), so
 * start-up fails with the reason instead of waiting for a join that cannot come.
 */
export function firstGroupJoin(consumer: Consumer, waitMs = FIRST_JOIN_WAIT_MS): Promise<ConsumerGroupJoinEvent['payload']['memberAssignment'] | undefined> {
  return new Promise((resolve, reject) => {
    const removeAll = () => {
      clearTimeout(timer);
      removeJoin();
      removeCrash();
    };
    const timer = setTimeout(() => {
      removeAll();
      resolve(undefined);
    }, waitMs);
    timer.unref();
    const removeJoin = consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      removeAll();
      resolve(payload.memberAssignment);
    });
    const removeCrash = consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) return;
      removeAll();
      reject(payload.error);
    });
  });
}
