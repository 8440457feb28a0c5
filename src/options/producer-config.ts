import { Partitioners, type ProducerConfig } from 'kafkajs';

/**
 * The producer options with kafkajs's own default partitioner named explicitly: the same behaviour,
 * without the start-up warning kafkajs 2 prints when none is named. A user's choice wins.
 */
export function producerConfig(options: ProducerConfig | undefined): ProducerConfig {
  return { createPartitioner: Partitioners.DefaultPartitioner, ...options };
}
