import { AssignerProtocol, type Kafka } from 'kafkajs';
import { createKafka, kafkaSecurityFrom } from '@app/kafka';

/** Catching up after a 60,000-token pool takes the registry tens of seconds; far longer is a fault. */
const DEADLINE_MS = 300_000;
const POLL_MS = 500;

/**
 * Waits until every consumer group of the stack (`KAFKA_GROUP_PREFIX`) has committed everything its
 * topics hold. Minting a token pool puts tens of thousands of events on the topics; the services
 * consume them on the servers' core, so measuring before they have caught up would time that
 * catch-up instead of the endpoint. In production the projections follow issuance as it happens.
 * Returns the seconds waited; throws if the consumers are still behind at the deadline.
 */
export async function waitForConsumersToCatchUp(
  brokers: string[],
  groupPrefix: string,
  log: (line: string) => void,
): Promise<number> {
  const admin = createKafka({
    brokers,
    clientId: 'tessera-bench-lag',
    security: kafkaSecurityFrom(process.env),
    quiet: true,
  }).admin();
  await admin.connect();
  const started = Date.now();
  try {
    let lastLogged = 0;
    let previousEnd = -1;
    for (;;) {
      const { lag, end } = await totalLag(admin, groupPrefix);
      // Settled: nothing left to consume, and nothing new appeared since the last look (the outbox
      // relays may still be publishing the last of the pool's events).
      if (lag === 0 && end === previousEnd) return (Date.now() - started) / 1000;
      previousEnd = end;
      if (Date.now() - started > DEADLINE_MS) {
        throw new Error(
          `the services' consumers are still ${lag} events behind after ${DEADLINE_MS / 1000} s`,
        );
      }
      if (Date.now() - lastLogged > 5_000) {
        log(
          `  waiting for the services' consumers to catch up: ${lag.toLocaleString('en-US')} events behind`,
        );
        lastLogged = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    await admin.disconnect();
  }
}

type Admin = ReturnType<Kafka['admin']>;

/**
 * Events on the groups' topics that the groups have not committed yet, summed over every partition,
 * and the sum of those partitions' end offsets.
 */
async function totalLag(admin: Admin, groupPrefix: string): Promise<{ lag: number; end: number }> {
  const { groups } = await admin.listGroups();
  const ours = groups.map((group) => group.groupId).filter((groupId) => groupId.includes(groupPrefix)); // behind each service's namespace (kafka-client.ts);
  let lag = 0;
  let end = 0;
  for (const group of (await admin.describeGroups(ours)).groups) {
    for (const topic of assignedTopics(group.members)) {
      const [committed] = await admin.fetchOffsets({ groupId: group.groupId, topics: [topic] });
      const ends = new Map(
        (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => [partition, Number(high)]),
      );
      for (const { partition, offset } of committed?.partitions ?? []) {
        // -1: nothing committed yet on that partition, so everything up to its end is still to consume.
        lag += Math.max(0, (ends.get(partition) ?? 0) - Math.max(0, Number(offset)));
        end += ends.get(partition) ?? 0;
      }
    }
  }
  return { lag, end };
}

/** The topics a group's members are assigned (what it consumes), from their assignments. */
function assignedTopics(members: { memberAssignment: Buffer }[]): Set<string> {
  const topics = new Set<string>();
  for (const { memberAssignment } of members) {
    const assignment = AssignerProtocol.MemberAssignment.decode(memberAssignment);
    for (const topic of Object.keys(assignment?.assignment ?? {})) topics.add(topic);
  }
  return topics;
}
