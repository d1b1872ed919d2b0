import { ConfigResourceTypes, type Kafka } from 'kafkajs';
import type { TopicSpec } from '@app/contracts';

/**
 * Creates missing topics with their partitions and configuration (auto-creation is off on our broker,
 * and the first produce to an auto-created topic fails with LEADER_NOT_AVAILABLE anyway), and brings
 * the configuration of existing ones in line with their spec (a topic whose policy changed in
 * `TOPICS` is altered in place, so a developer's broker does not keep an outdated policy).
 * Returns the names it created.
 */
export async function ensureTopics(kafka: Kafka, specs: readonly TopicSpec[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.name));
    const present = specs.filter((spec) => existing.has(spec.name));
    if (present.length > 0) {
      // alterConfigs replaces a topic's dynamic configuration with exactly these entries.
      await admin.alterConfigs({
        validateOnly: false,
        resources: present.map((spec) => ({
          type: ConfigResourceTypes.TOPIC,
          name: spec.name,
          configEntries: Object.entries(spec.config).map(([name, value]) => ({ name, value })),
        })),
      });
    }
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
