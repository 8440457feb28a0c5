import { AuthorizationFailedError } from '../errors/authorization-failed.error.js';
import type { FailureContext } from './kafka-driver.interface.js';

/** Who the broker saw, named by the options that set it (never the secret). */
export function principalOf(client: { sasl?: unknown; ssl?: unknown }): string {
  const sasl = client.sasl as { username?: string } | undefined;
  return sasl?.username ? `user "${sasl.username}"` : client.ssl ? 'the client certificate' : 'the anonymous client';
}

function describeTopics(topics: (string | RegExp)[] | undefined): string {
  return topics && topics.length > 0 ? topics.map((topic) => `"${String(topic)}"`).join(', ') : '(unknown)';
}

/** The typed error for a Kafka `*_AUTHORIZATION_FAILED` code, naming the resource and the principal. */
export function authorizationFailure(code: string, context: FailureContext, client: { sasl?: unknown; ssl?: unknown }, cause: unknown): AuthorizationFailedError {
  const resource = code === 'GROUP_AUTHORIZATION_FAILED' ? `group "${context.groupId ?? '?'}"` : code === 'TOPIC_AUTHORIZATION_FAILED' ? `topic ${describeTopics(context.topics)}` : 'the cluster';
  return new AuthorizationFailedError(code, resource, principalOf(client), cause);
}
