import express from 'express';
import { z } from 'zod';
import {
  accessTokenClaimsOf,
  kafkaSecurityFrom,
  tesseraExpressMiddleware,
  TesseraTokenValidator,
} from '@app/resource-server';

/**
 * A small API protected by Tessera access tokens, written as an API team would write it with the
 * `@tessera/resource-server` package: tokens are validated locally against Tessera's keys, and
 * revocations arrive from Kafka, so a revoked token stops working here without a call to Tessera.
 *
 *   GET  /things   needs `read:things`
 *   POST /things   needs `write:things`
 *   GET  /health   200 once the revocation stream has been replayed
 */
const env = z
  .object({
    TESSERA_ISSUER: z.url(),
    /** This API's identifier, as registered in Tessera (`aud` of its tokens). */
    TESSERA_AUDIENCE: z.string().min(1),
    TESSERA_JWKS_URL: z.url(),
    /** `true` for a development stack whose JWKS is served over http (never in production). */
    TESSERA_JWKS_ALLOW_HTTP: z.enum(['true', 'false']).default('false'),
    KAFKA_BROKERS: z.string().transform((value) => value.split(',').map((broker) => broker.trim())),
    HOST: z.string().default('127.0.0.1'),
    PORT: z.coerce.number().int().min(1).max(65_535).default(3100),
  })
  .safeParse(process.env);
if (!env.success) {
  // `KEY=value: problem`, as the services report bad configuration (CONVENTIONS §7).
  for (const issue of env.error.issues) {
    const key = issue.path.join('.');
    console.error(`${key}=${JSON.stringify(process.env[key] ?? null)}: ${issue.message}`);
  }
  process.exit(1);
}
const config = env.data;

const validator = new TesseraTokenValidator({
  issuer: config.TESSERA_ISSUER,
  audience: config.TESSERA_AUDIENCE,
  jwksUri: config.TESSERA_JWKS_URL,
  allowHttpJwks: config.TESSERA_JWKS_ALLOW_HTTP === 'true',
  kafka: {
    brokers: config.KAFKA_BROKERS,
    clientId: 'example-things-api',
    security: kafkaSecurityFrom(process.env),
  },
});

const things: { id: number; name: string; owner: string }[] = [{ id: 1, name: 'teapot', owner: 'example' }];

const app = express();
app.use(express.json({ limit: '16kb' }));
app.get('/health', (_request, response) => {
  response.status(validator.readyNow ? 200 : 503).json({ ready: validator.readyNow });
});
app.get(
  '/things',
  tesseraExpressMiddleware(validator, { requiredScopes: ['read:things'] }),
  (request, response) => {
    response.json({ things, caller: accessTokenClaimsOf(request)?.sub });
  },
);
app.post(
  '/things',
  tesseraExpressMiddleware(validator, { requiredScopes: ['write:things'] }),
  (request, response) => {
    const name = (request.body as { name?: unknown } | undefined)?.name;
    if (typeof name !== 'string' || name.length === 0 || name.length > 100) {
      response
        .status(400)
        .json({ error: 'invalid_request', error_description: 'name must be 1–100 characters' });
      return;
    }
    const thing = { id: things.length + 1, name, owner: accessTokenClaimsOf(request)?.sub ?? 'unknown' };
    things.push(thing);
    response.status(201).json(thing);
  },
);

async function main(): Promise<void> {
  // Serve only once the revocation stream has been replayed: before that, no token can be trusted.
  await validator.ready();
  const server = app.listen(config.PORT, config.HOST, () => {
    console.log(`things API listening on http://${config.HOST}:${config.PORT}`);
  });
  const shutdown = () => {
    server.close();
    void validator.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  console.error('things API failed to start:', error);
  process.exit(1);
});
