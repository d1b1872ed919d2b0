# One image for all four Tessera services (DESIGN.md §1, §7). Which service a container runs is
# chosen by SERVICE (build arg, and env so it can also be overridden at run time):
#   docker build --build-arg SERVICE=introspection -t tessera-introspection .
# The same image also carries the one-shot provisioning script:
#   docker run --rm <image> node dist/scripts/provision.js
#
# Stages: `build` compiles TypeScript and prunes dev dependencies; `runtime` copies only
# package.json, the production node_modules and dist/ onto a clean base and runs as non-root.

ARG NODE_IMAGE=node:20-bookworm-slim

# ------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# Manifests first, so the `npm ci` layer is reused until package*.json change. The cache mount
# keeps npm's download cache across builds without putting it in a layer.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund

# .dockerignore keeps node_modules, dist/ and .tessera/ (tsc's incremental build info) out of
# the context: a stale tsbuildinfo without dist/ would make tsc emit nothing.
COPY . .

# Build, then fail the image build right here if the layout the runtime CMD relies on is not
# there (cheaper to learn now than from a crash-looping container).
RUN npm run build \
 && for f in apps/issuance/src/main apps/introspection/src/main apps/revocation/src/main \
             apps/account-linking/src/main apps/audit/src/main scripts/provision; do \
      test -f "dist/$f.js" || { echo "npm run build did not produce dist/$f.js" >&2; exit 1; }; \
    done

# Drop devDependencies (typescript, vitest, eslint, swc, ...) from node_modules.
RUN npm prune --omit=dev --no-audit --no-fund

# ------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app

# HOST=0.0.0.0: the services default to 127.0.0.1, which is unreachable from other containers.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    LOG_LEVEL=info

# Owned by root and read-only for the app user: a compromised process cannot rewrite its code.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist

# The official node image ships the unprivileged `node` user (uid 1000).
USER node

# Declared last so the four per-service builds share every layer above (only this metadata
# differs between them).
ARG SERVICE=issuance
ENV SERVICE=${SERVICE}

EXPOSE 3001 3002 3003 3004 3005

# Readiness (Kafka/DB/Redis up; introspection: revocation topic replayed) with Node 20's global
# fetch, since the slim image has neither curl nor wget. PORT falls back to the service's
# internal port from DESIGN.md §2 when it is not set in the environment.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "const d={issuance:3001,introspection:3002,revocation:3003,'account-linking':3004,audit:3005};const p=process.env.PORT||d[process.env.SERVICE];fetch('http://127.0.0.1:'+p+'/health/ready',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# A shell only to expand $SERVICE; `exec` replaces it with node, so node itself receives the
# SIGTERM from `docker stop` (compose also sets `init: true`, a tiny init that forwards signals
# and reaps zombies, because node as PID 1 ignores signals it has no handler for).
CMD ["sh", "-c", "exec node dist/apps/$SERVICE/src/main.js"]
