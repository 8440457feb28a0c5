import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, KafkaJSSASLAuthenticationError } from 'kafkajs';
import { AuthenticationFailedError } from '../../../../src/errors/authentication-failed.error.js';
import { AuthorizationFailedError } from '../../../../src/errors/authorization-failed.error.js';
import { explainKafkajsError } from '../../../../src/driver/kafkajs/explain-kafkajs-error.js';
import { TlsFailedError } from '../../../../src/errors/tls-failed.error.js';

const sasl = { mechanism: 'scram-sha-256', username: 'alice', password: 's3cret-value' } as const;
const retried = (cause: Error) => new KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 2, retryTime: 100 });

describe('explainKafkajsError', () => {
  it('names the user and mechanism of refused SASL credentials, and never the password', () => {
    const explained = explainKafkajsError(new (KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error)(`SASL SCRAM SHA256 authentication failed: ${sasl.password}?`), { client: { sasl } }) as Error;
    expect(explained).toBeInstanceOf(AuthenticationFailedError);
    expect(explained.message).toContain('SCRAM-SHA-256 login of user "alice"');
    expect(explained.message).not.toContain(sasl.password);
  });

  it('says which TLS option to fix, looking through retried connection errors', () => {
    const untrusted = explainKafkajsError(retried(new KafkaJSConnectionError('Connection error: self-signed certificate in certificate chain', { broker: 'b:1', code: 'SELF_SIGNED_CERT_IN_CHAIN' })), { client: { ssl: true } });
    expect(untrusted).toBeInstanceOf(TlsFailedError);
    expect((untrusted as Error).message).toContain('client.ssl.ca');
    const noCertificate = explainKafkajsError(new KafkaJSConnectionError('Connection error: tlsv13 alert certificate required', { broker: 'b:1', code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' }), { client: { ssl: {} } });
    expect((noCertificate as Error).message).toContain('client.ssl.cert and client.ssl.key');
  });

  it('names the topic or group an ACL refused, and who was refused', () => {
    const topic = explainKafkajsError(new KafkaJSProtocolError({ message: 'Not authorized to access topics: [Topic authorization failed]', type: 'TOPIC_AUTHORIZATION_FAILED', retriable: false } as unknown as string), { client: { sasl }, topics: ['orders'] });
    expect(topic).toBeInstanceOf(AuthorizationFailedError);
    expect((topic as Error).message).toContain('user "alice" is not allowed to use topic "orders"');
    const group = explainKafkajsError(new KafkaJSProtocolError({ message: 'Not authorized to access group', type: 'GROUP_AUTHORIZATION_FAILED', retriable: false } as unknown as string), { client: {}, groupId: 'billing-server' });
    expect((group as Error).message).toContain('the anonymous client is not allowed to use group "billing-server"');
  });

  it('returns any other error unchanged', () => {
    const other = new Error('broker down');
    expect(explainKafkajsError(other, { client: {} })).toBe(other);
  });
});
