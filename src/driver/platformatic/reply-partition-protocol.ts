import type { GroupPartitionsAssignments } from '@platformatic/kafka';
import { assignReplyPartitions, decodeReplyMember, encodeReplyMember, REPLY_ASSIGNER_NAME, REPLY_ASSIGNER_VERSION } from '../../reply/reply-partition.assigner.js';

type ReplyMember = { joinedAt: number; current(): Record<string, number> };

/**
 * The group options that make a platformatic consumer speak Nest's reply-partition protocol
 * (classic group protocol): same name and version, same userData, so it shares a reply group with
 * kafkajs members of ours and with Nest's own clients. platformatic asks for this member's userData
 * at every join and hands the leader each member's userData.
 */
export function replyPartitionProtocol(member: ReplyMember) {
  return {
    protocols: [{ name: REPLY_ASSIGNER_NAME, version: REPLY_ASSIGNER_VERSION }],
    protocolsMetadata: () => encodeReplyMember({ previousAssignment: member.current(), joinedAt: member.joinedAt }),
    partitionAssigner: (
      _current: string,
      members: Map<string, { metadata?: Buffer | string }>,
      topics: Set<string>,
      metadata: { topics: Map<string, { partitionsCount: number }> },
    ): GroupPartitionsAssignments[] => {
      const decoded = [...members].map(([memberId, { metadata: userData }]) => decodeReplyMember(memberId, typeof userData === 'string' ? Buffer.from(userData) : userData));
      const partitionsByTopic: Record<string, number[]> = {};
      for (const topic of topics) {
        const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
        partitionsByTopic[topic] = Array.from({ length: count }, (_, partition) => partition);
      }
      const assignment = assignReplyPartitions(decoded, partitionsByTopic);
      return Object.entries(assignment).map(([memberId, byTopic]) => ({
        memberId,
        assignments: new Map(Object.entries(byTopic).map(([topic, partitions]) => [topic, { topic, partitions }])),
      }));
    },
  };
}
