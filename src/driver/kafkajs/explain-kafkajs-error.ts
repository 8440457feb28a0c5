import type { KafkaConfig } from 'kafkajs';
import { AuthenticationFailedError } from '../../errors/authentication-failed.error.js';
import { authorizationFailure } from '../authorization-failure.js';
import { explainTlsFailure, type DriverError } from '../tls-failure.js';

/** What was being done when the driver failed: names for the typed error's message. */
export interface KafkaErrorContext {
  client: Partial<KafkaConfig>;
  topics?: (string | RegExp)[];
  groupId?: string;
}

/** The error and the errors it wraps (kafkajs wraps retried failures in KafkaJSNumberOfRetriesExceeded). */
function chain(error: unknown): DriverError[] {
  const links: DriverError[] = [];
  for (let link = error as DriverError | undefined; link && typeof link === 'object' && links.length < 10; link = link.cause as DriverError | undefined) links.push(link);
  return links;
}

/**
 * Turns a driver failure that the user can fix by configuration (credentials, certificates, ACLs)
 * into the typed error naming the option; any other error comes back as it was.
 */
export function explainKafkajsError(error: unknown, context: KafkaErrorContext): unknown {
  for (const link of chain(error)) {
    if (link.name === 'KafkaJSSASLAuthenticationError' || /SASL .*authentication failed/i.test(link.message ?? '')) {
      const sasl = context.client.sasl as { mechanism?: string; username?: string } | undefined;
      return new AuthenticationFailedError((sasl?.mechanism ?? 'unknown').toUpperCase(), sasl?.username, link);
    }
    const tls = link.name === 'KafkaJSConnectionError' ? explainTlsFailure(link, context.client) : undefined;
    if (tls) return tls;
    if (link.type?.endsWith('_AUTHORIZATION_FAILED')) return authorizationFailure(link.type, context, context.client, link);
  }
  return error;
}
