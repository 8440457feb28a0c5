import { InvalidOptionError } from '../../../../src/errors/invalid-option.error.js';
import { platformaticSettings } from '../../../../src/driver/platformatic/platformatic-options.js';
import { chooseDriver } from '../../../../src/driver/driver-choice.js';
import type { KafkaTransportOptions } from '../../../../src/options/kafka-options.interface.js';
import { resolveOptions } from '../../../../src/options/resolve-options.js';

const mapped = (options: KafkaTransportOptions) => platformaticSettings(resolveOptions({ ...options, driver: 'platformatic' }, 'server'));

describe('the kafkajs-shaped options on the platformatic driver', () => {
  it('maps brokers, client id, TLS, SASL and timeouts onto its client options', () => {
    const { base } = mapped({ client: { brokers: ['k1:9093', 'k2:9093'], clientId: 'orders', ssl: { ca: ['PEM'] }, sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' }, connectionTimeout: 2500, requestTimeout: 9000 } });
    expect(base).toMatchObject({ clientId: 'orders-server', bootstrapBrokers: ['k1:9093', 'k2:9093'], tls: { ca: ['PEM'] }, sasl: { mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' }, connectTimeout: 2500, requestTimeout: 9000 });
    expect(mapped({ client: { ssl: true } }).base.tls).toEqual({});
  });

  it("keeps kafkajs's retry backoff: initial time, doubled, capped", () => {
    const { base } = mapped({ client: { retry: { retries: 4, initialRetryTime: 100, maxRetryTime: 500 } } });
    expect(base.retries).toBe(4);
    expect([1, 2, 3, 4, 5].map((attempt) => base.retryDelay(undefined, 'op', attempt, 4, new Error('x')))).toEqual([100, 200, 400, 500, 500]);
  });

  it("turns an OAUTHBEARER provider into platformatic's token callback", async () => {
    const { base } = mapped({ client: { sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: 'jwt' }) } } });
    expect(base.sasl?.mechanism).toBe('OAUTHBEARER');
    await expect(base.sasl?.token?.()).resolves.toBe('jwt');
  });

  it("uses kafkajs's group timeouts and acks all unless told otherwise, and is idempotent with acks all", () => {
    const settings = mapped({});
    expect(settings.consumer).toMatchObject({ sessionTimeout: 30_000, rebalanceTimeout: 60_000, heartbeatInterval: 3_000, maxWaitTime: 5_000, isolationLevel: 1 });
    expect(settings.send.acks).toBe(-1);
    expect(settings.producer.idempotent).toBe(true);
    expect(mapped({ send: { acks: 1 } }).producer.idempotent).toBe(false);
    expect(mapped({ producer: { idempotent: false } }).producer.idempotent).toBe(false);
    expect(settings.fallbackMode).toBe('latest');
    expect(settings.autoCommit).toBe(true);
  });

  it("accepts kafkajs's commit cadence, which committing each handled record at once already meets", () => {
    expect(() => mapped({ run: { autoCommitInterval: 5000, autoCommitThreshold: 100 } })).not.toThrow();
  });

  it('maps fromBeginning, autoCommit, acks, compression, idempotence and fetch sizes', () => {
    const settings = mapped({ subscribe: { fromBeginning: true }, run: { autoCommit: false }, send: { acks: 1, compression: 1, timeout: 7000 }, producer: { idempotent: true }, consumer: { groupId: 'g', maxBytes: 1024, maxWaitTimeInMs: 100, readUncommitted: true } });
    expect(settings).toMatchObject({ fallbackMode: 'earliest', autoCommit: false, send: { acks: 1, compression: 'gzip' }, producer: { idempotent: true } });
    expect(settings.base.timeout).toBe(7000);
    expect(settings.consumer).toMatchObject({ maxBytes: 1024, maxWaitTime: 100, isolationLevel: 0 });
  });

  it('takes run.partitionsConsumedConcurrently as the bound on records running at once', () => {
    expect(mapped({ run: { partitionsConsumedConcurrently: 4 } }).partitionsConsumedConcurrently).toBe(4);
    expect(mapped({}).partitionsConsumedConcurrently).toBeUndefined();
  });

  it.each([
    ['client.socketFactory', { client: { socketFactory: () => undefined } }],
    ['consumer.partitionAssigners', { consumer: { partitionAssigners: [] } }],
    ['producer.createPartitioner', { producer: { createPartitioner: () => () => 0 } }],
    ['producer.transactionalId', { producer: { transactionalId: 'tx' } }],
    ['client.sasl.mechanism', { client: { sasl: { mechanism: 'aws', authorizationIdentity: 'x', accessKeyId: 'a', secretAccessKey: 's' } } }],
    ['client.enforceRequestTimeout', { client: { enforceRequestTimeout: false } }],
  ])('refuses %s, which it has no equivalent for, naming the option', (option, options) => {
    const attempt = () => mapped(options as KafkaTransportOptions);
    expect(attempt).toThrow(InvalidOptionError);
    expect(attempt).toThrow(`"${option}"`);
  });
});

describe("groupProtocol: 'consumer' (KIP-848) on the platformatic driver", () => {
  it('asks platformatic for the consumer protocol, with the rebalance timeout as the only group timing', () => {
    const settings = mapped({ groupProtocol: 'consumer', consumer: { rebalanceTimeout: 20_000 } });
    expect(settings.groupProtocol).toBe('consumer');
    expect(settings.consumer).toMatchObject({ groupProtocol: 'consumer', rebalanceTimeout: 20_000 });
    expect(settings.consumer).not.toHaveProperty('sessionTimeout');
    expect(settings.consumer).not.toHaveProperty('heartbeatInterval');
    expect(mapped({}).groupProtocol).toBe('classic');
  });

  it.each([
    ['sessionTimeout', 'group.consumer.session.timeout.ms'],
    ['heartbeatInterval', 'group.consumer.heartbeat.interval.ms'],
  ])('refuses consumer.%s, which the broker sets for the group, naming %s', (option, brokerSetting) => {
    const attempt = () => mapped({ groupProtocol: 'consumer', consumer: { [option]: 10_000 } });
    expect(attempt).toThrow(InvalidOptionError);
    expect(attempt).toThrow(`"consumer.${option}"`);
    expect(attempt).toThrow(brokerSetting);
  });
});

describe('chooseDriver', () => {
  it("refuses groupProtocol: 'consumer' on kafkajs, and a protocol it does not know", () => {
    expect(() => chooseDriver(resolveOptions({ groupProtocol: 'consumer' }, 'client'))).toThrow(/"groupProtocol".*driver: 'platformatic'/);
    expect(() => chooseDriver(resolveOptions({ groupProtocol: 'streams' as never }, 'client'))).toThrow(/"groupProtocol".*'classic'.*'consumer'/);
    expect(chooseDriver(resolveOptions({ groupProtocol: 'classic' }, 'client'))).toBe('kafkajs');
  });

  it('defaults to kafkajs and refuses a name it does not know, listing the drivers', () => {
    expect(chooseDriver(resolveOptions({}, 'client'))).toBe('kafkajs');
    expect(() => chooseDriver(resolveOptions({ driver: 'rdkafka' as never }, 'client'))).toThrow(/"driver".*'kafkajs', 'platformatic'/);
  });

  it('checks the platformatic options when the strategy or client is built, not at connect()', () => {
    const options = resolveOptions({ driver: 'platformatic', consumer: { partitionAssigners: [] } }, 'server');
    const nodeRunsIt = /^(22\.(2[2-9]|[3-9]\d)|24\.([6-9]|\d{2})|2[35]|[3-9]\d)/.test(process.versions.node);
    expect(() => chooseDriver(options)).toThrow(nodeRunsIt ? '"consumer.partitionAssigners"' : 'needs Node.js >= 22.22 or >= 24.6');
  });
});
