import { spawnSync } from 'node:child_process';
import { BrokerUnavailableError } from '../errors/broker-unavailable.error.js';
import type { KafkaTestCluster } from './kafka-test-cluster.interface.js';

/** True when a Docker engine answers, not merely when the docker client is installed. */
export function dockerEngineAnswers(): boolean {
  const result = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], {
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 5000,
  });
  return result.status === 0 && result.stdout.toString().trim().length > 0;
}

interface StartedKafkaContainer {
  getHost(): string;
  getMappedPort(port: number): number;
  stop(): Promise<unknown>;
  restart(): Promise<unknown>;
}

interface KafkaContainerModule {
  KafkaContainer: new (image: string) => {
    withKraft(): { withExposedPorts(...ports: number[]): { start(): Promise<StartedKafkaContainer> } };
  };
}

const KAFKA_CONTAINER_PORT = 9093;

/** A single-node Kafka in a container, through the optional `@testcontainers/kafka` package. */
export async function startDockerKafka(version: string): Promise<KafkaTestCluster> {
  // The package is an optional peer: a variable specifier keeps bundlers and tsc from requiring it.
  const specifier = '@testcontainers/kafka';
  let containers: KafkaContainerModule;
  try {
    containers = (await import(specifier)) as KafkaContainerModule;
  } catch (error) {
    throw new BrokerUnavailableError('a Docker engine answers but @testcontainers/kafka is not installed: npm i -D @testcontainers/kafka', {
      cause: error,
    });
  }
  const container = await new containers.KafkaContainer(`confluentinc/cp-kafka:${confluentImageFor(version)}`)
    .withKraft()
    .withExposedPorts(KAFKA_CONTAINER_PORT)
    .start();
  const brokers = () => [`${container.getHost()}:${container.getMappedPort(KAFKA_CONTAINER_PORT)}`];
  return {
    get brokers() {
      return brokers();
    },
    source: 'testcontainers',
    version,
    nodes: [],
    stop: async () => {
      await container.stop();
    },
    restart: async () => {
      await container.restart();
    },
  };
}

/** Confluent Platform 8.x ships Apache Kafka 4.x; the container module supports its images. */
function confluentImageFor(version: string): string {
  return version.startsWith('3.') ? '7.9.1' : '8.1.0';
}
