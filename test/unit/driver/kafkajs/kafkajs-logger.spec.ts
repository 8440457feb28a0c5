import { logLevel } from 'kafkajs';
import { driverLogLevel } from '../../../../src/driver/kafkajs/kafkajs-logger.js';
import { ServerClosingError } from '../../../../src/server/shutdown-signal.js';

const error = (namespace: string, message: string, extra: Record<string, unknown> = {}) => ({ namespace, level: logLevel.ERROR, log: { message, timestamp: '', logger: 'kafkajs', ...extra } });

describe('driverLogLevel', () => {
  it('lowers protocol errors kafkajs retries (a heartbeat during a rebalance, NOT_LEADER after a topic was created) to warnings', () => {
    expect(driverLogLevel(error('Connection', 'Response Heartbeat(key: 12, version: 3)', { error: 'The group is rebalancing, so a rejoin is needed' }))).toBe(logLevel.WARN);
    expect(driverLogLevel(error('Connection', 'Response ListOffsets(key: 2, version: 4)', { error: 'This server is not the leader for that topic-partition' }))).toBe(logLevel.WARN);
    expect(driverLogLevel(error('Producer', 'Failed to send messages: This server is not the leader for that topic-partition'))).toBe(logLevel.WARN);
  });

  it('keeps the transport\'s own close-time hold-back quiet, and another handler error a warning', () => {
    expect(driverLogLevel(error('Runner', 'Error when calling eachMessage', { error: new ServerClosingError() }))).toBe(logLevel.DEBUG);
    expect(driverLogLevel(error('Runner', 'Error when calling eachMessage', { error: new Error('dead letter could not be sent') }))).toBe(logLevel.WARN);
    // The consumer reads through eachBatch; the same lines under that name.
    expect(driverLogLevel(error('Runner', 'Error when calling eachBatch', { error: new ServerClosingError() }))).toBe(logLevel.DEBUG);
    expect(driverLogLevel(error('Runner', 'Error when calling eachBatch', { error: new Error('dead letter could not be sent') }))).toBe(logLevel.WARN);
    expect(driverLogLevel(error('Consumer', `Crash: KafkaJSNumberOfRetriesExceeded: ${new ServerClosingError().message}`))).toBe(logLevel.DEBUG);
  });

  it('leaves a real crash and other levels as they are', () => {
    expect(driverLogLevel(error('Consumer', 'Crash: KafkaJSNonRetriableError: Topic authorization failed'))).toBe(logLevel.ERROR);
    expect(driverLogLevel({ namespace: 'Connection', level: logLevel.INFO, log: { message: 'Response x', timestamp: '', logger: 'kafkajs' } })).toBe(logLevel.INFO);
  });
});
