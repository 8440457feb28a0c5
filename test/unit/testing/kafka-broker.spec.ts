import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerUnavailableError, describeUnavailable, startKafka } from '../../../src/testing/index.js';
import { freePort } from '../../../src/testing/free-port.js';

describe('startKafka when no broker can be had', () => {
  let cacheDir: string;

  beforeEach(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'nkt-cache-'));
  });

  afterEach(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('fails naming all three ways it tried and what to install, instead of skipping', async () => {
    expect.assertions(5);
    try {
      await startKafka({ env: {}, docker: false, javaCommand: '/nonexistent/bin/java', cacheDir });
    } catch (error) {
      expect(error).toBeInstanceOf(BrokerUnavailableError);
      const message = (error as Error).message;
      expect(message).toContain('1. KAFKA_BROKERS: not set');
      expect(message).toContain('2. testcontainers: disabled by the docker option');
      expect(message).toMatch(/3\. maven: Java is not runnable as "\/nonexistent\/bin\/java"/);
      expect(message).toContain('install Java 17+ and Maven');
    }
  });

  it('reports a KAFKA_BROKERS cluster that does not answer, without falling back to another broker', async () => {
    const closedPort = await freePort();
    await expect(startKafka({ env: { KAFKA_BROKERS: `127.0.0.1:${closedPort}` }, startTimeoutMs: 1500 })).rejects.toThrow(
      `KAFKA_BROKERS=127.0.0.1:${closedPort} does not answer`,
    );
  });

  it('rejects a node count that is not a positive whole number, naming the option', async () => {
    await expect(startKafka({ env: {}, nodes: 0 })).rejects.toThrow('startKafka({ nodes: 0 }): nodes must be a whole number of at least 1');
  });

  it('numbers the attempts in the order they were made', () => {
    const message = describeUnavailable([
      { source: 'KAFKA_BROKERS', outcome: 'not set' },
      { source: 'maven', outcome: 'mvn missing' },
    ]);
    expect(message.split('\n').slice(1, 3)).toEqual(['  1. KAFKA_BROKERS: not set', '  2. maven: mvn missing']);
  });
});
