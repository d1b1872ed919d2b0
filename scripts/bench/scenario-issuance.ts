import { TOPICS } from '@app/contracts';
import { EventCollector } from '@app/testing';
import { httpContender } from './contender';
import { failureWarnings, type ScenarioReport } from './scenario-report';
import { countEvents, envelopeOf } from './event-count';
import { PEER_API, PEER_CLIENT, PEER_SCOPE } from './peer-settings';
import { FORM, formBody, PEER, versusBareAndPeer, type ScenarioContext } from './scenario-context';

/**
 * `POST /oauth/token`, client_credentials with client_secret_post, for the stack's ES256 API; then
 * checks the audit trail: every 200 must have its `access_token.issued` event on the public topic.
 * Uses the stack's second client, which nothing else in the bench uses, so its events are countable.
 */
export async function benchIssuance(context: ScenarioContext): Promise<ScenarioReport> {
  const { info } = context.env.stack;
  const client = info.otherClient;
  const collector = await EventCollector.start(info.brokers, TOPICS.tokensIssued.name);
  try {
    const issuance = httpContender({
      name: 'POST /oauth/token (ES256 JWT)',
      serverPid: context.env.service('issuance').process.pid!,
      job: (durationSeconds) => ({
        url: `${info.urls.issuance}/oauth/token`,
        connections: context.options.connections,
        durationSeconds,
        headers: FORM,
        body: formBody({
          grant_type: 'client_credentials',
          client_id: client.clientId,
          client_secret: client.clientSecret,
          audience: info.api.identifier,
        }),
      }),
    });
    // The same grant on node-oidc-provider: an ES256 JWT for a resource (RFC 8707), nothing durable.
    const peer = httpContender({
      name: `${PEER} POST /token (ES256 JWT, in memory)`,
      serverPid: context.env.peer.process.pid!,
      job: (durationSeconds) => ({
        url: `${context.env.peer.url}/token`,
        connections: context.options.connections,
        durationSeconds,
        headers: FORM,
        body: formBody({
          grant_type: 'client_credentials',
          client_id: PEER_CLIENT.clientId,
          client_secret: PEER_CLIENT.clientSecret,
          resource: PEER_API,
          scope: PEER_SCOPE,
        }),
      }),
    });
    // Issue #19's goal: 1.5 × the peer, with every token's audit event committed before its answer.
    const { rows, runs, result } = await versusBareAndPeer(context, issuance, peer, {
      unit: 'grants/s',
      target: { of: PEER, atLeast: 1.5 },
      note: 'Tessera commits an access_token.issued event with every token; the peer keeps nothing',
    });
    const issued = runs.reduce((total, run) => total + run.count, 0);
    const audit = await countEvents(
      collector,
      (message) => {
        const { type, payload } = envelopeOf(message);
        return type === 'access_token.issued' && payload?.client_id === client.clientId;
      },
      issued,
    );
    const lines = [
      `  audit stream ${TOPICS.tokensIssued.name}: ${issued.toLocaleString('en-US')} tokens answered 200 ` +
        `(warm-up + reps), ${audit.events.toLocaleString('en-US')} access_token.issued events for ${client.clientId}; ` +
        `all there ${(audit.waitedMs / 1000).toFixed(1)} s after the load stopped.`,
      `  (events − 200s = ${audit.events - issued}: tokens issued for requests still in flight when a run ended, ` +
        `at most ${context.options.connections} per run × ${runs.length} runs)`,
    ];
    const warnings = failureWarnings(rows);
    if (audit.events < issued) {
      warnings.push(
        `only ${audit.events} of ${issued} issued tokens have an access_token.issued event after ${audit.deadlineMs / 1000} s`,
      );
    }
    return {
      scenario: 'issuance',
      rows,
      lines,
      warnings,
      data: { reps: result.reps, warmups: result.warmups, audit: { issued, ...audit } },
    };
  } finally {
    await collector.stop();
  }
}

/** Waits until the topic holds at least `expected` issuance events for the client, then lets stragglers in. */
