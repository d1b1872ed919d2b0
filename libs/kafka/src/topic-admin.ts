import type { Kafka } from 'kafkajs';
import type { TopicSpec } from '@app/contracts';

/**
 * Creates missing topics with their partitions and configuration (auto-creation is off on our broker,
 * and the first produce to an auto-created topic fails with LEADER_NOT_AVAILABLE anyway).
 * Returns the names it created.
 */
export async function ensureTopics(kafka: Kafka, specs: readonly TopicSpec[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.name));
    if (missing.length === 0) return [];
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((spec) => ({
        topic: spec.name,
        numPartitions: spec.partitions,
        replicationFactor: 1,
        configEntries: Object.entries(spec.config).map(([name, value]) => ({ name, value })),
      })),
    });
    return missing.map((spec) => spec.name);
  } finally {
    await admin.disconnect();
  }
}
