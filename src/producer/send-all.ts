import type { RecordMetadata } from '../codec/kafka-record.js';
import type { OutgoingKafkaMessage } from '../codec/outgoing-message.js';
import type { DriverProducer } from '../driver/kafka-driver.interface.js';

/** Resolves once every message is stored; fails, for all of them, if any one could not be. */
export async function sendAll(producer: Pick<DriverProducer, 'send'>, topic: string, messages: OutgoingKafkaMessage[]): Promise<RecordMetadata[]> {
  const outcome = await producer.send(topic, messages);
  const [refusal] = outcome.refused.values();
  if (refusal) throw refusal;
  return outcome.metadata;
}
