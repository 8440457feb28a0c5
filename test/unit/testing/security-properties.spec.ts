import { listenerProtocol, scramFormatArgs, securityProperties } from '../../../src/testing/security-properties.js';

const users = [{ username: 'alice', password: 'a-secret' }];

describe('security properties of a test broker', () => {
  it('names the listener protocol from TLS and SASL', () => {
    expect(listenerProtocol({ tls: true })).toBe('SSL');
    expect(listenerProtocol({ tls: 'mutual' })).toBe('SSL');
    expect(listenerProtocol({ tls: true, sasl: { mechanisms: ['PLAIN'], users } })).toBe('SASL_SSL');
    expect(listenerProtocol({ sasl: { mechanisms: ['PLAIN'], users } })).toBe('SASL_PLAINTEXT');
  });

  it('requires client certificates only for mutual TLS, from PEM stores on the client listener', () => {
    const lines = securityProperties({ tls: 'mutual', protocol: 'SSL', keystoreFile: '/k.pem', truststoreFile: '/ca.pem' });
    expect(lines).toEqual(
      expect.arrayContaining(['listener.name.external.ssl.keystore.type=PEM', 'listener.name.external.ssl.keystore.location=/k.pem', 'listener.name.external.ssl.truststore.location=/ca.pem', 'listener.name.external.ssl.client.auth=required']),
    );
    expect(securityProperties({ tls: true, protocol: 'SSL', keystoreFile: '/k.pem', truststoreFile: '/ca.pem' })).toContain('listener.name.external.ssl.client.auth=none');
  });

  it('lists PLAIN users in the broker login and creates SCRAM users at format time, per mechanism', () => {
    const security = { tls: true, sasl: { mechanisms: ['PLAIN', 'SCRAM-SHA-512'] as ('PLAIN' | 'SCRAM-SHA-512')[], users }, protocol: 'SASL_SSL' as const };
    const lines = securityProperties(security);
    expect(lines).toContain('sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-512');
    expect(lines).toContain('listener.name.external.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="a-secret";');
    expect(lines).toContain('listener.name.external.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;');
    expect(scramFormatArgs(security)).toEqual(['--add-scram', 'SCRAM-SHA-512=[name=alice,password=a-secret]']);
  });

  it('lets only the brokers\' own anonymous listener act as super user when ACLs are on', () => {
    expect(securityProperties({ acls: true, protocol: 'SSL' })).toEqual(['authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer', 'super.users=User:ANONYMOUS', 'allow.everyone.if.no.acl.found=false']);
  });
});
