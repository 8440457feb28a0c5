import type { KafkaTestSecurityOptions } from './kafka-test-cluster.interface.js';

/** A secured client listener's settings, with the certificate files already made. */
export interface ListenerSecurity extends KafkaTestSecurityOptions {
  protocol: 'SSL' | 'SASL_SSL' | 'SASL_PLAINTEXT';
  keystoreFile?: string;
  truststoreFile?: string;
}

/** Kafka's protocol name for the client listener. */
export function listenerProtocol(security: KafkaTestSecurityOptions): ListenerSecurity['protocol'] {
  if (security.sasl) return security.tls ? 'SASL_SSL' : 'SASL_PLAINTEXT';
  return 'SSL';
}

const SCRAM_LOGIN = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';

/**
 * Broker settings for the secured listener `EXTERNAL`. Brokers and controllers talk over their own
 * plaintext listeners, whose anonymous callers are super users, so ACLs restrict only clients.
 */
export function securityProperties(security: ListenerSecurity): string[] {
  const lines: string[] = [];
  const prefix = 'listener.name.external';
  if (security.keystoreFile && security.truststoreFile) {
    lines.push(
      `${prefix}.ssl.keystore.type=PEM`,
      `${prefix}.ssl.keystore.location=${security.keystoreFile}`,
      `${prefix}.ssl.truststore.type=PEM`,
      `${prefix}.ssl.truststore.location=${security.truststoreFile}`,
      `${prefix}.ssl.client.auth=${security.tls === 'mutual' ? 'required' : 'none'}`,
    );
  }
  if (security.sasl) {
    lines.push(`sasl.enabled.mechanisms=${security.sasl.mechanisms.join(',')}`);
    for (const mechanism of security.sasl.mechanisms) {
      const login =
        mechanism === 'PLAIN'
          ? `org.apache.kafka.common.security.plain.PlainLoginModule required ${security.sasl.users.map((user) => `user_${user.username}="${user.password}"`).join(' ')};`
          : SCRAM_LOGIN;
      lines.push(`${prefix}.${mechanism.toLowerCase()}.sasl.jaas.config=${login}`);
    }
  }
  if (security.acls) {
    lines.push('authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer', 'super.users=User:ANONYMOUS', 'allow.everyone.if.no.acl.found=false');
  }
  return lines;
}

/** Storage-format arguments that create the SCRAM credentials (KRaft keeps them in its metadata log). */
export function scramFormatArgs(security: KafkaTestSecurityOptions | undefined): string[] {
  const sasl = security?.sasl;
  if (!sasl) return [];
  return sasl.mechanisms
    .filter((mechanism) => mechanism.startsWith('SCRAM-'))
    .flatMap((mechanism) => sasl.users.flatMap((user) => ['--add-scram', `${mechanism}=[name=${user.username},password=${user.password}]`]));
}
