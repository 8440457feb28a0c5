import type { ProduceResult } from '@platformatic/kafka';

export type ProduceOffset = NonNullable<ProduceResult['offsets']>[number];

interface PartitionResponse {
  index: number;
  errorCode: number;
  baseOffset: bigint;
}

interface FailedSend {
  produced?: ProduceResult;
  errors?: unknown[];
  cause?: unknown;
  response?: { responses?: { name: string; partitionResponses?: PartitionResponse[] }[] };
}

/**
 * What a failed platformatic send still stored, per partition of `topic`. A send fails as a whole
 * when one partition is refused, yet the broker may have stored others: those of other leaders are
 * listed in the failure, those sent to the refusing leader only in its answers (error code 0), which
 * count too, since the broker acknowledged them. Sent again, they would be stored twice.
 */
export function storedBeforeFailure(failure: unknown, topic: string): ProduceOffset[] {
  const stored = new Map<number, ProduceOffset>();
  const keep = (partition: number, offset: bigint) => {
    if (offset >= 0n && !stored.has(partition)) stored.set(partition, { topic, partition, offset });
  };
  const seen = new Set<unknown>();
  const visit = (error: unknown) => {
    if (typeof error !== 'object' || error === null || seen.has(error)) return;
    seen.add(error);
    const failed = error as FailedSend;
    for (const entry of failed.produced?.offsets ?? []) if (entry.topic === topic) keep(entry.partition, entry.offset);
    for (const response of failed.response?.responses ?? []) {
      if (response.name !== topic) continue;
      for (const partition of response.partitionResponses ?? []) if (partition.errorCode === 0) keep(partition.index, partition.baseOffset);
    }
    for (const inner of failed.errors ?? []) visit(inner);
    visit(failed.cause);
  };
  visit(failure);
  return [...stored.values()];
}
