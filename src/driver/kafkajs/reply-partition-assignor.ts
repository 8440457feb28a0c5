import { AssignerProtocol, type Assigner, type GroupMember, type GroupMemberAssignment, type PartitionAssigner } from 'kafkajs';
import { assignReplyPartitions, decodeReplyMember, encodeReplyMember, REPLY_ASSIGNER_NAME, REPLY_ASSIGNER_VERSION, type DecodedReplyMember } from '../../reply/reply-partition.assigner.js';

/** One member's subscription metadata; metadata that is not a subscription at all counts as no history. */
export function decodeGroupMember(member: GroupMember): DecodedReplyMember {
  let userData: Buffer | undefined;
  try {
    userData = AssignerProtocol.MemberMetadata.decode(member.memberMetadata)?.userData;
  } catch {
    userData = undefined;
  }
  return decodeReplyMember(member.memberId, userData);
}

/**
 * The kafkajs assigner of a client's reply consumer. It speaks Nest's protocol (name, version,
 * userData JSON with `previousAssignment`), so our clients and Nest's can share a reply group, and
 * adds `joinedAt`, which Nest's assigner ignores, to order members by age.
 */
export function replyPartitionAssigner(member: { joinedAt: number; current(): Record<string, number> }): PartitionAssigner {
  return ({ cluster }): Assigner => ({
    name: REPLY_ASSIGNER_NAME,
    version: REPLY_ASSIGNER_VERSION,
    async assign({ members, topics }): Promise<GroupMemberAssignment[]> {
      const partitionsByTopic: Record<string, number[]> = {};
      for (const topic of topics) {
        partitionsByTopic[topic] = cluster.findTopicPartitionMetadata(topic).map((metadata) => metadata.partitionId);
      }
      const assignment = assignReplyPartitions(members.map(decodeGroupMember), partitionsByTopic);
      return Object.entries(assignment).map(([memberId, topicsOfMember]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: REPLY_ASSIGNER_VERSION, assignment: topicsOfMember, userData: Buffer.alloc(0) }),
      }));
    },
    protocol({ topics }) {
      return {
        name: REPLY_ASSIGNER_NAME,
        metadata: AssignerProtocol.MemberMetadata.encode({ version: REPLY_ASSIGNER_VERSION, topics, userData: encodeReplyMember({ previousAssignment: member.current(), joinedAt: member.joinedAt }) }),
      };
    },
  });
}
