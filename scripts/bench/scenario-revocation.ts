import { TOPICS } from '@app/contracts';
import { EventCollector } from '@app/testing';
import { failureWarnings, type ScenarioReport } from './scenario-report';
import { countEvents, envelopeOf } from './event-count';
import { join } from 'node:path';
import { PEER_CLIENT, PEER_SCOPE } from './peer-settings';
import { distinctTokenContender, PEER, versusBareAndPeer, type ScenarioContext } from './scenario-context';
import { TokenPool } from './token-pool';

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
    // The peer revokes its own opaque tokens, minted the same way and as many, one per request.
    const peerPool = await TokenPool.mintAt({
      url: `${context.env.peer.url}/token`,
      form: {
        grant_type: 'client_credentials',
        client_id: PEER_CLIENT.clientId,
        client_secret: PEER_CLIENT.clientSecret,
        scope: PEER_SCOPE,
      },
      count: pool.size,
      file: join(context.env.repoRoot, '.tessera', 'bench', 'tokens', `peer-opaque-${process.pid}.txt`),
      log: context.log,
    });
    context.log(
      `  minted ${peerPool.size.toLocaleString('en-US')} opaque tokens at ${PEER} in ${peerPool.mintSeconds.toFixed(1)} s`,
    );
    const peer = distinctTokenContender(context, {
      name: `${PEER} revoke, distinct opaque tokens (in memory)`,
      instance: { pid: context.env.peer.process.pid! },
      url: `${context.env.peer.url}/token/revocation`,
      tokens: peerPool.cursor(),
      params: { client_id: PEER_CLIENT.clientId, client_secret: PEER_CLIENT.clientSecret },
    });
    // Issue #19's goal: at least the peer's rate, with every revocation and its event committed first.
    const { rows, runs, result } = await versusBareAndPeer(context, revocation, peer, {
      unit: 'req/s',
      target: { of: PEER, atLeast: 1.0 },
      note: 'Tessera verifies a JWT and commits the revocation with its event; the peer deletes from memory',
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
