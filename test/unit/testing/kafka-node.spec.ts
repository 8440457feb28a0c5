import { serverProperties, type KafkaClusterLayout } from '../../../src/testing/kafka-node.js';

const layout = (nodeCount: number): KafkaClusterLayout => ({
  clusterId: 'abc',
  voters: '1@127.0.0.1:9001',
  nodeCount,
  libDir: '/lib',
  workDir: '/work',
  javaCommand: 'java',
  heapMb: 256,
});

const parse = (text: string) =>
  Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

describe('serverProperties', () => {
  it('binds a single node to the given loopback ports with replication factor 1 and no rebalance delay', () => {
    const props = parse(serverProperties(1, { broker: 9000, controller: 9001 }, layout(1), '/data'));
    expect(props).toMatchObject({
      'node.id': '1',
      'process.roles': 'broker,controller',
      'controller.quorum.voters': '1@127.0.0.1:9001',
      listeners: 'PLAINTEXT://127.0.0.1:9000,CONTROLLER://127.0.0.1:9001',
      'advertised.listeners': 'PLAINTEXT://127.0.0.1:9000',
      'log.dirs': '/data',
      'group.initial.rebalance.delay.ms': '0',
      'offsets.topic.replication.factor': '1',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
    });
  });

  it('replicates internal topics three ways in a three-node cluster, so one node may fail', () => {
    const props = parse(serverProperties(2, { broker: 9002, controller: 9003 }, layout(3), '/data'));
    expect(props['offsets.topic.replication.factor']).toBe('3');
    expect(props['transaction.state.log.min.isr']).toBe('2');
    expect(props['default.replication.factor']).toBe('3');
  });
});
