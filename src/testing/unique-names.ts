import { randomBytes } from 'node:crypto';

let counter = 0;

function suffix(): string {
  counter += 1;
  return `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}-${counter}`;
}

/** A topic name no other test or run uses; Kafka topic names allow [a-zA-Z0-9._-]. */
export function uniqueTopic(prefix = 'test'): string {
  return `${prefix}-${suffix()}`;
}

/** A consumer group id no other test or run uses. */
export function uniqueGroupId(prefix = 'group'): string {
  return `${prefix}-${suffix()}`;
}
