import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { firstValueFrom } from 'rxjs';
import type { INestMicroservice } from '@nestjs/common';
import { uniqueGroupId, uniqueTopic } from 'nestjs-kafka-transport/testing';
import { benchModule, startClient, startServer, type Transports } from '../apps.js';
import { kilobytePayload } from '../payload.js';
import { createTopics, until } from './bench-kafka.js';

const PARTITIONS = 6;
// Each event waits this long, as a handler calling a database would: the work scales with instances, not CPU.
const HANDLER_IO_MS = 2;

/**
 * Events per second with `instances` servers in one group on a 6-partition topic, each event
 * handled in ~2 ms of simulated I/O. Timing starts once the group is stable with every instance.
 */
export async function scaleOut(kind: Transports, brokers: string[], instances: number, events: number): Promise<number> {
  const topic = uniqueTopic(`bench-scale-${kind}`);
  await createTopics(brokers, [topic], PARTITIONS);
  await createTopics(brokers, [`${topic}.unused`], 1);
  const groupId = uniqueGroupId(`bench-scale-${kind}`);
  let received = 0;
  const module = benchModule(topic, `${topic}.unused`, async () => {
    await sleep(HANDLER_IO_MS);
    received += 1;
  });
  const servers: INestMicroservice[] = [];
  const client = await startClient(kind, brokers);
  try {
    for (let n = 0; n < instances; n += 1) servers.push(await startServer(kind, module, brokers, groupId));
    await stableGroup(brokers, `${groupId}-server`, instances);
    const started = performance.now();
    await Promise.all(Array.from({ length: events }, (_, n) => firstValueFrom(client.emit(topic, kilobytePayload(n)))));
    await until(() => received >= events, `${events} events on ${instances} ${kind} instance(s)`);
    return events / ((performance.now() - started) / 1000);
  } finally {
    await client.close();
    for (const server of servers) await server.close();
  }
}

/** Waits until the group is Stable with `members` members, each holding partitions. */
async function stableGroup(brokers: string[], groupId: string, members: number): Promise<void> {
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const [group] = (await admin.describeGroups([groupId])).groups;
      if (group.state === 'Stable' && group.members.length === members) return;
      if (Date.now() > deadline) throw new Error(`group ${groupId} never became stable with ${members} members (state ${group.state}, ${group.members.length} members)`);
      await sleep(200);
    }
  } finally {
    await admin.disconnect();
  }
}
