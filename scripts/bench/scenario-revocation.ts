import { TOPICS } from '@app/contracts';
import { EventCollector } from '@app/testing';
import { failureWarnings, type ScenarioReport } from './scenario-report';
import { countEvents, envelopeOf } from './event-count';
import { distinctTokenContender, versusBare, type ScenarioContext } from './scenario-context';

/**
 * `POST /oauth/revoke` (client_secret_post) with a different valid JWT of the caller on every request:
 * each one is verified, recorded in PostgreSQL with its outbox event and marked in Redis before the
 * 200. Afterwards checks that every revocation reached `tokens.revoked` as `access_token.revoked`.
 */
export async function benchRevocation(context: ScenarioContext): Promise<ScenarioReport> {
  const { info } = context.env.stack;
  const pool = await context.pools.sharedPool();
  const collector = await EventCollector.start(info.brokers, TOPICS.tokensRevoked.name);
  // Read the stream after the load, not during it: on a 2-core machine the collector's reads would
  // take time from Kafka and PostgreSQL on the load generator's core, which the service waits on.
  collector.pause();
  try {
    const revocation = distinctTokenContender(context, {
      name: 'revoke, distinct JWTs',
      instance: 'revocation',
      url: `${info.urls.revocation}/oauth/revoke`,
      tokens: pool.cursor(),
      params: { client_id: info.client.clientId, client_secret: info.client.clientSecret },
    });
    const { rows, runs, result } = await versusBare(context, revocation, {
      unit: 'req/s',
      target: { of: 'bare', atLeast: 0.25 },
    });
    const answered = runs.reduce((total, run) => total + run.count, 0);
    const sent = runs.reduce((total, run) => total + (run.load?.tokensUsed ?? 0), 0);
    // A run that ran out of tokens repeats its last one until it stops: those 200s revoke nothing new.
    const revoked = Math.min(answered, sent);
    collector.resume();
    const events = await countEvents(
      collector,
      (message) => {
        const { type, payload } = envelopeOf(message);
        const revokedBy = payload?.revoked_by as { client_id?: string } | undefined;
        return type === 'access_token.revoked' && revokedBy?.client_id === info.client.clientId;
      },
      revoked,
    );
    const lines = [
      `  pool: ${pool.size.toLocaleString('en-US')} tokens, ${sent.toLocaleString('en-US')} used, each revoked once.`,
      `  revocation stream ${TOPICS.tokensRevoked.name}: ${revoked.toLocaleString('en-US')} distinct tokens revoked (200), ` +
        `${events.events.toLocaleString('en-US')} access_token.revoked events by ${info.client.clientId}; ` +
        `all read ${(events.waitedMs / 1000).toFixed(1)} s after the last run (the collector pauses during the runs).`,
    ];
    const warnings = failureWarnings(rows);
    if (events.events < revoked) {
      warnings.push(`only ${events.events} of ${revoked} revocations have an access_token.revoked event`);
    }
    return {
      scenario: 'revocation',
      rows,
      lines,
      warnings,
      data: { reps: result.reps, warmups: result.warmups, pool: { size: pool.size, used: sent }, events },
    };
  } finally {
    await collector.stop();
  }
}
