/** Protocol name and version of Nest's assigner: a group only forms when every member offers them. */
export const REPLY_ASSIGNER_NAME = 'NestReplyPartitionAssigner';
export const REPLY_ASSIGNER_VERSION = 1;

/** What a member says about itself in its userData (JSON), a superset of what Nest's members say. */
export interface ReplyMemberState {
  /** Reply topic to the partition this member used so far (its minimum partition), as Nest writes it. */
  previousAssignment: Record<string, number>;
  /** When this client instance first connected (ms since epoch); members of Nest's own lack it. */
  joinedAt?: number;
}

export interface DecodedReplyMember extends ReplyMemberState {
  memberId: string;
}

/**
 * Reads one member's userData. A member whose userData cannot be read (another assigner's format,
 * garbage bytes, none at all) takes part with no history instead of failing the whole group.
 */
export function decodeReplyMember(memberId: string, userData: Buffer | undefined): DecodedReplyMember {
  let state: Partial<ReplyMemberState> = {};
  try {
    const parsed = JSON.parse(userData?.toString() ?? '') as unknown;
    if (typeof parsed === 'object' && parsed !== null) state = parsed as Partial<ReplyMemberState>;
  } catch {
    state = {};
  }
  const previous = state.previousAssignment;
  const previousAssignment: Record<string, number> = {};
  if (typeof previous === 'object' && previous !== null) {
    for (const [topic, partition] of Object.entries(previous)) {
      if (Number.isInteger(partition) && partition >= 0) previousAssignment[topic] = partition;
    }
  }
  const joinedAt = typeof state.joinedAt === 'number' && Number.isFinite(state.joinedAt) ? state.joinedAt : undefined;
  return { memberId, previousAssignment, joinedAt };
}

/** Oldest first; members without a join time (Nest's) after those with one; then by member id. */
export function orderMembers(members: DecodedReplyMember[]): DecodedReplyMember[] {
  return [...members].sort((a, b) => {
    if (a.joinedAt !== b.joinedAt) {
      if (a.joinedAt === undefined) return 1;
      if (b.joinedAt === undefined) return -1;
      return a.joinedAt - b.joinedAt;
    }
    return a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0;
  });
}

/**
 * Gives each member its own partition of every reply topic: first the partition it had (if no
 * older member holds it already), then the lowest free one, oldest member first. Partitions left
 * over are dealt round-robin, so none goes unconsumed; a member's reply partition is its lowest.
 * Two members never share a partition; members beyond the partition count get none.
 */
export function assignReplyPartitions(members: DecodedReplyMember[], partitionsByTopic: Record<string, number[]>): Record<string, Record<string, number[]>> {
  const ordered = orderMembers(members);
  const assignment: Record<string, Record<string, number[]>> = {};
  for (const member of ordered) assignment[member.memberId] = {};
  for (const [topic, partitions] of Object.entries(partitionsByTopic)) {
    const free = new Set([...partitions].sort((a, b) => a - b));
    for (const member of ordered) {
      const previous = member.previousAssignment[topic];
      const kept = previous !== undefined && free.delete(previous);
      assignment[member.memberId][topic] = kept ? [previous] : [];
    }
    for (const member of ordered) {
      const own = assignment[member.memberId][topic];
      if (own.length > 0) continue;
      const lowest = free.values().next();
      if (lowest.done) break;
      own.push(lowest.value);
      free.delete(lowest.value);
    }
    const holders = ordered.filter((member) => assignment[member.memberId][topic].length > 0);
    [...free].forEach((partition, index) => assignment[holders[index % holders.length].memberId][topic].push(partition));
  }
  return assignment;
}

/** A member's userData: what it held so far and when it joined. */
export function encodeReplyMember(state: ReplyMemberState): Buffer {
  return Buffer.from(JSON.stringify(state));
}
