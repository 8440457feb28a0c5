import type { KafkaConfig } from 'kafkajs';
import { AuthenticationFailedError } from './authentication-failed.error.js';
import { AuthorizationFailedError } from './authorization-failed.error.js';
import { TlsFailedError } from './tls-failed.error.js';

/** What was being done when the driver failed: names for the typed error's message. */
export interface KafkaErrorContext {
  client: Partial<KafkaConfig>;
  topics?: (string | RegExp)[];
  groupId?: string;
}

export interface DriverError {
  name?: string;
  message?: string;
  type?: string;
  code?: string;
  broker?: string;
  cause?: unknown;
}

// Node's codes for a certificate the client cannot verify.
const UNTRUSTED_CERTIFICATE = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The error and the errors it wraps (kafkajs wraps retried failures in KafkaJSNumberOfRetriesExceeded). */
function chain(error: unknown): DriverError[] {
  const links: DriverError[] = [];
  for (let link = error as DriverError | undefined; link && typeof link === 'object' && links.length < 10; link = link.cause as DriverError | undefined) links.push(link);
  return links;
}

function principalOf(client: Partial<KafkaConfig>): string {
  const sasl = client.sasl as { username?: string } | undefined;
  return sasl?.username ? `user "${sasl.username}"` : client.ssl ? 'the client certificate' : 'the anonymous client';
}

/** The TLS failure a connection error stands for, if it is one no retry can mend. */
export function explainTlsFailure(link: DriverError, client: Partial<KafkaConfig>): TlsFailedError | undefined {
  const code = link.code ?? '';
  const text = `${code} ${link.message ?? ''}`;
  if (UNTRUSTED_CERTIFICATE.has(code)) {
    return new TlsFailedError(link.broker, code, "the broker's certificate is not trusted: pass the authority that signed it as client.ssl.ca (PEM text), or give the broker a certificate for the address you connect to", link);
  }
  if (/certificate required|CERTIFICATE_REQUIRED|bad certificate|unknown ca|BAD_CERTIFICATE|UNKNOWN_CA/i.test(text)) {
    return new TlsFailedError(link.broker, code || 'client certificate refused', 'the broker requires a client certificate it trusts: pass client.ssl.cert and client.ssl.key, signed by an authority in its truststore', link);
  }
  if (client.ssl && /wrong version number|WRONG_VERSION_NUMBER|packet length too long/i.test(text)) {
    return new TlsFailedError(link.broker, code || 'not TLS', 'this listener does not speak TLS: remove client.ssl, or connect to the TLS listener', link);
  }
  return undefined;
}

/**
 * Turns a driver failure that the user can fix by configuration (credentials, certificates, ACLs)
 * into the typed error naming the option; any other error comes back as it was.
 */
export function explainKafkaError(error: unknown, context: KafkaErrorContext): unknown {
  for (const link of chain(error)) {
    if (link.name === 'KafkaJSSASLAuthenticationError' || /SASL .*authentication failed/i.test(link.message ?? '')) {
      const sasl = context.client.sasl as { mechanism?: string; username?: string } | undefined;
      return new AuthenticationFailedError((sasl?.mechanism ?? 'unknown').toUpperCase(), sasl?.username, link);
    }
    const tls = link.name === 'KafkaJSConnectionError' ? explainTlsFailure(link, context.client) : undefined;
    if (tls) return tls;
    if (link.type?.endsWith('_AUTHORIZATION_FAILED')) {
      const resource =
        link.type === 'GROUP_AUTHORIZATION_FAILED' ? `group "${context.groupId ?? '?'}"` : link.type === 'TOPIC_AUTHORIZATION_FAILED' ? `topic ${describeTopics(context.topics)}` : 'the cluster';
      return new AuthorizationFailedError(link.type, resource, principalOf(context.client), link);
    }
  }
  return error;
}

function describeTopics(topics: (string | RegExp)[] | undefined): string {
  return topics && topics.length > 0 ? topics.map((topic) => `"${String(topic)}"`).join(', ') : '(unknown)';
}
