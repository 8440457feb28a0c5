import { AssignerProtocol, type GroupMember } from 'kafkajs';
import { decodeGroupMember } from '../../../src/driver/kafkajs/reply-partition-assignor.js';
import { assignReplyPartitions, type DecodedReplyMember } from '../../../src/reply/reply-partition.assigner.js';

const member = (memberId: string, userData: Buffer | string): GroupMember => ({
  memberId,
  memberMetadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics: ['t.reply'], userData: Buffer.from(userData) }),
});

describe('decodeGroupMember (kafkajs member metadata)', () => {
  it('reads a Nest member\'s userData, which has no join time', () => {
    expect(decodeGroupMember(member('nest-1', '{"previousAssignment":{"t.reply":2}}'))).toEqual({ memberId: 'nest-1', previousAssignment: { 't.reply': 2 }, joinedAt: undefined });
  });

  it('reads our member\'s join time', () => {
    expect(decodeGroupMember(member('ours-1', '{"previousAssignment":{},"joinedAt":1700}')).joinedAt).toBe(1700);
  });

  it.each([
    ['userData that is not JSON', member('x', Buffer.from([0xff, 0x00, 0x13]))],
    ['userData of another assigner', member('x', '{"sticky":[1,2]}')],
    ['a previous partition that is not a number', member('x', '{"previousAssignment":{"t.reply":"zero"}}')],
    ['metadata that is not member metadata at all', { memberId: 'x', memberMetadata: Buffer.from('garbage') }],
  ])('takes part without history for %s, instead of failing the group', (_name, input) => {
    expect(decodeGroupMember(input)).toEqual({ memberId: 'x', previousAssignment: {}, joinedAt: undefined });
  });
});

describe('assignReplyPartitions', () => {
  const m = (memberId: string, joinedAt?: number, previous?: number): DecodedReplyMember => ({
    memberId,
    joinedAt,
    previousAssignment: previous === undefined ? {} : { 't.reply': previous },
  });

  it('gives every member its own partition, oldest member first', () => {
    const result = assignReplyPartitions([m('b', 20), m('a', 10), m('c', 30)], { 't.reply': [0, 1, 2] });
    expect(result).toEqual({ a: { 't.reply': [0] }, b: { 't.reply': [1] }, c: { 't.reply': [2] } });
  });

  it('keeps each member on the partition it had across a rebalance', () => {
    const result = assignReplyPartitions([m('a', 10, 2), m('b', 20, 0), m('new', 30)], { 't.reply': [0, 1, 2] });
    expect(result).toEqual({ a: { 't.reply': [2] }, b: { 't.reply': [0] }, new: { 't.reply': [1] } });
  });

  it('never lets two members share a partition, even when both claim it', () => {
    const result = assignReplyPartitions([m('old', 10, 1), m('young', 20, 1)], { 't.reply': [0, 1] });
    expect(result).toEqual({ old: { 't.reply': [1] }, young: { 't.reply': [0] } });
  });

  it('leaves the newest members without a partition when there are more members than partitions', () => {
    const result = assignReplyPartitions([m('third', 30), m('first', 10), m('second', 20)], { 't.reply': [0, 1] });
    expect(result.third['t.reply']).toEqual([]);
    expect([result.first['t.reply'], result.second['t.reply']]).toEqual([[0], [1]]);
  });

  it('orders Nest\'s members, which carry no join time, after ours', () => {
    const result = assignReplyPartitions([m('nest'), m('ours', 50)], { 't.reply': [0] });
    expect(result).toEqual({ ours: { 't.reply': [0] }, nest: { 't.reply': [] } });
  });

  it('deals partitions left over to the members, so none goes unconsumed', () => {
    const result = assignReplyPartitions([m('a', 1), m('b', 2)], { 't.reply': [0, 1, 2, 3] });
    expect(result).toEqual({ a: { 't.reply': [0, 2] }, b: { 't.reply': [1, 3] } });
  });
});
