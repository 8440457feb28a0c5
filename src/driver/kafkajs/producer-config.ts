import { Partitioners, type ProducerConfig } from 'kafkajs';
import type { PartitionPins } from './partition-pins.js';

/**
 * The producer options with kafkajs's own default partitioner named explicitly (the same behaviour,
 * without the start-up warning kafkajs 2 prints when none is named), pinned so that every send can
 * be checked partition by partition. A user's partitioner still decides.
 */
export function producerConfig(options: ProducerConfig | undefined, pins: PartitionPins): ProducerConfig {
  return { ...options, createPartitioner: pins.wrap(options?.createPartitioner ?? Partitioners.DefaultPartitioner) };
}
