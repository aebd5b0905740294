# The snapseal worker: plain Node, configuration from the environment, no local disk on the data path.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# glibc's per-thread malloc arenas keep freed chunk buffers resident (crypto threads free what the event loop
# allocated): two arenas cut a worker's peak RSS by about 70 MiB in the bench.
ENV MALLOC_ARENA_MAX=2
# A 1 MiB young-generation semi-space (V8's default grows to 16 MiB): a worker's start-up peak drops by about
# 25 MiB and its archiving peak by about 50 MiB in the bench, for a few percent more CPU in scavenges.
ENV NODE_OPTIONS=--max-semi-space-size=1
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
# The per-role S3 policies that `snapseal iam-policy` fills in.
COPY deploy/iam ./deploy/iam
USER node
# Prometheus /metrics when SNAPSEAL_METRICS_PORT=9464 and SNAPSEAL_METRICS_HOST=0.0.0.0 are set.
EXPOSE 9464
# SIGTERM from `docker stop` drains the worker (SNAPSEAL_WORKER_SHUTDOWN_GRACE_SECONDS).
# --single-threaded-gc: V8 takes it only on the command line (src/worker-node-flags.ts says why).
CMD ["node", "--single-threaded-gc", "dist/worker.js"]
