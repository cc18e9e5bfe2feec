# syntax=docker/dockerfile:1
# Build: compile TypeScript, bundle the web pages (Vite) and build better-sqlite3's native addon (needs python3, make, g++).
FROM node:22-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json schema.graphql ./
COPY src ./src
COPY web ./web
RUN npm run build && npm prune --omit=dev

# Run: only the compiled code and production dependencies, as a non-root user.
FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    PORT=4000 \
    HOST=0.0.0.0 \
    STORE_URL=sqlite:///data/gateway.sqlite
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json schema.graphql ./
# The embedded simulator's clip and last frame (only used without SPARK_DANCE_API_KEY).
COPY --chown=node:node src/simulator/assets ./src/simulator/assets
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 4000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]
