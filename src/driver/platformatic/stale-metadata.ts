import { findErrorBy } from '@platformatic/kafka';

/** Did the broker refuse the request because the client's metadata is stale (a partition's leader moved)? */
export function isStaleMetadata(error: unknown): boolean {
  return error instanceof Error && findErrorBy(error, 'hasStaleMetadata', true) !== null;
}

/**
 * Makes platformatic ask the cluster again who leads a partition before it retries a request the
 * broker refused for stale metadata (NOT_LEADER_OR_FOLLOWER after a leader moved): it would retry
 * with the metadata it already holds, so every retry would go to the same broker.
 */
export function forgetStaleMetadata(client: unknown, error: unknown): void {
  if (!isStaleMetadata(error)) return;
  const withMetadata = client as { clearMetadata?: () => void };
  if (typeof withMetadata.clearMetadata === 'function') withMetadata.clearMetadata();
}
