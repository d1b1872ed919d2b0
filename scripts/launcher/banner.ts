import { relative } from 'node:path';
import { managementAudience } from '@app/contracts';

export interface BannerFacts {
  readonly repoRoot: string;
  readonly issuer: string;
  readonly gatewayUrl: string;
  readonly caPath: string;
  readonly secretsPath: string;
  readonly bootstrapClientId: string;
  readonly seconds: number;
  /** Each service's own port, where `/health/ready` and `/metrics` answer (not through the gateway). */
  readonly services: readonly { readonly name: string; readonly port: number }[];
}

/** What a newcomer needs right after `npm start`: where it is, how to trust it, how to get a token. */
export function banner(facts: BannerFacts): string {
  const ca = relative(facts.repoRoot, facts.caPath);
  const secrets = relative(facts.repoRoot, facts.secretsPath);
  const audience = managementAudience(facts.issuer);
  const lines = [
    '',
    `Tessera is up (${facts.seconds.toFixed(1)} s)`,
    '',
    `  issuer      ${facts.issuer}`,
    ...(facts.gatewayUrl === facts.issuer ? [] : [`  gateway     ${facts.gatewayUrl}`]),
    `  discovery   ${facts.gatewayUrl}.well-known/openid-configuration`,
    `  CA          ${facts.caPath}`,
    `  trust it    export NODE_EXTRA_CA_CERTS=${facts.caPath}   (curl: --cacert ${ca})`,
    '',
    `  A Management API token with the bootstrap client (its secret is in ${secrets}):`,
    '',
    `    curl -s --cacert ${ca} ${facts.gatewayUrl}oauth/token \\`,
    `      -d grant_type=client_credentials -d client_id=${facts.bootstrapClientId} \\`,
    `      --data-urlencode client_secret="$(sed -n 's/^TESSERA_BOOTSTRAP_CLIENT_SECRET=//p' ${secrets})" \\`,
    `      --data-urlencode audience=${audience}`,
    '',
    "  Metrics (Prometheus text, on each service's own port; the gateway does not route them):",
    ...facts.services.map(({ name, port }) => `    ${name.padEnd(16)} http://127.0.0.1:${port}/metrics`),
    '',
    '  Watch the public topics:  npm run events -- issued   (or: revoked)',
    '  Walkthrough:              docs/quickstart.md',
    '',
    '  Ctrl-C stops the gateway and the five services. Kafka, PostgreSQL and Redis keep running',
    '  (npm run infra:down stops Kafka; PostgreSQL and Redis are machine services).',
    '',
  ];
  return lines.join('\n');
}
