# syntax=docker/dockerfile:1
# Gatehouse: multi-stage build. The builder compiles TypeScript and the native modules
# (better-sqlite3, argon2); the runtime image holds only production dependencies and dist/.

FROM node:22-bookworm-slim AS builder
# toolchain for native modules when no prebuilt binary matches (better-sqlite3 falls back to node-gyp)
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app

COPY package.json package-lock.json ./
# --ignore-scripts: the `prepare` script would run `npm run build` before the sources are here.
# Only two dependencies need their install scripts; run exactly those.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 argon2

COPY . .
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund


FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app

# application files stay root-owned (read-only for the service); only data/ is writable
COPY --from=builder /app/package.json /app/package-lock.json ./
COPY --from=builder /app/node_modules ./node_modules
COPY --from=builder /app/dist ./dist
COPY --from=builder /app/config ./config
COPY --from=builder /app/bin ./bin
# the console's stylesheet and script (served as they are, no build step)
COPY --from=builder /app/src/console/static ./src/console/static
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]

USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# the admin CLI: docker compose exec gatehouse node bin/gatehouse.js orgs create acme
CMD ["node", "dist/src/main.js"]
