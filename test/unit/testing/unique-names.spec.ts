import { uniqueGroupId, uniqueTopic } from '../../../src/testing/index.js';

describe('unique names', () => {
  it('never repeats a topic name and uses only characters Kafka allows', () => {
    const names = Array.from({ length: 500 }, () => uniqueTopic('orders'));
    expect(new Set(names).size).toBe(500);
    for (const name of names) expect(name).toMatch(/^orders-[a-zA-Z0-9._-]+$/);
  });

  it('never repeats a group id', () => {
    expect(uniqueGroupId('g')).not.toBe(uniqueGroupId('g'));
  });
});
