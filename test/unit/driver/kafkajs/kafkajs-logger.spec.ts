import { logLevel } from 'kafkajs';
import { driverLogLevel } from '../../../../src/driver/kafkajs/kafkajs-logger.js';

const error = (namespace: string, message: string, extra: Record<string, unknown> = {}) => ({ namespace, level: logLevel.ERROR, log: { message, timestamp: '', logger: 'kafkajs', ...extra } });

describe('driverLogLevel', () => {
  it('lowers protocol errors kafkajs retries (a heartbeat during a rebalance, NOT_LEADER after a topic was created) to warnings', () => {
    expect(driverLogLevel(error('Connection', 'Response Heartbeat(key: 12, version: 3)', { error: 'The group is rebalancing, so a rejoin is needed' }))).toBe(logLevel.WARN);
    expect(driverLogLevel(error('Connection', 'Response ListOffsets(key: 2, version: 4)', { error: 'This server is not the leader for that topic-partition' }))).toBe(logLevel.WARN);
    expect(driverLogLevel(error('Producer', 'Failed to send messages: This server is not the leader for that topic-partition'))).toBe(logLevel.WARN);
  });

  it('says the pauses and resumes of a partition\'s fetching at debug: the engine makes them per record', () => {
    const info = (message: string) => ({ namespace: 'ConsumerGroup', level: logLevel.INFO, log: { message, timestamp: '', logger: 'kafkajs' } });
    expect(driverLogLevel(info('Pausing fetching from 1 topics'))).toBe(logLevel.DEBUG);
    expect(driverLogLevel(info('Resuming fetching from 1 topics'))).toBe(logLevel.DEBUG);
    expect(driverLogLevel(info('Consumer has joined the group'))).toBe(logLevel.INFO);
  });

  it('leaves a real crash and other levels as they are', () => {
    expect(driverLogLevel(error('Consumer', 'Crash: KafkaJSNonRetriableError: Topic authorization failed'))).toBe(logLevel.ERROR);
    expect(driverLogLevel({ namespace: 'Connection', level: logLevel.INFO, log: { message: 'Response x', timestamp: '', logger: 'kafkajs' } })).toBe(logLevel.INFO);
  });
});
