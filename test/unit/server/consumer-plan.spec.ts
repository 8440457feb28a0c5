import { planConsumers } from '../../../src/server/consumer-plan.js';

describe('planConsumers', () => {
  const handlers = [{ pattern: 'orders', deadLetterTopic: 'orders.dlq' }, { pattern: 'prices' }, { pattern: /^audit\./ }];

  it('reads every pattern in one group by default, creating the named topics and dead-letter topics', () => {
    expect(planConsumers('billing-server', handlers, false)).toEqual([
      { groupId: 'billing-server', topics: ['orders', 'prices', /^audit\./], topicsToCreate: ['orders', 'prices', 'orders.dlq'] },
    ]);
  });

  it('with topicConsumers, plans a group {groupId}-{topic} per topic, each creating its own topics', () => {
    expect(planConsumers('billing-server', handlers.slice(0, 2), true)).toEqual([
      { groupId: 'billing-server-orders', topics: ['orders'], topicsToCreate: ['orders', 'orders.dlq'] },
      { groupId: 'billing-server-prices', topics: ['prices'], topicsToCreate: ['prices'] },
    ]);
  });

  it('with topicConsumers and no handler, keeps one consumer without topics', () => {
    expect(planConsumers('billing-server', [], true)).toEqual([{ groupId: 'billing-server', topics: [], topicsToCreate: [] }]);
  });

  it('refuses a RegExp pattern under topicConsumers, naming the option and the fix', () => {
    expect(() => planConsumers('billing-server', handlers, true)).toThrow(/"topicConsumers": the handler pattern \/\^audit\\.\/ is a RegExp.*remove topicConsumers/);
  });
});
