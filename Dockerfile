# The snapseal worker: plain Node, configuration from the environment, no local disk on the data path.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
USER node
# Prometheus /metrics when SNAPSEAL_METRICS_PORT=9464 and SNAPSEAL_METRICS_HOST=0.0.0.0 are set.
EXPOSE 9464
# SIGTERM from `docker stop` drains the worker (SNAPSEAL_WORKER_SHUTDOWN_GRACE_SECONDS).
CMD ["node", "dist/worker.js"]
