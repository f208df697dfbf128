# Gatehouse backend image (and a self-hosted gateway on workerd). Docker is not on the team's
# machines: test/e2e/dockerfile.test.ts runs these same steps in a clean folder so this file
# cannot rot. Supported instructions there: FROM, WORKDIR, ENV, COPY (incl. --from), RUN, USER,
# EXPOSE, HEALTHCHECK, CMD.

# ---- build: full install, compile the backend and its release commands to dist/ ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json wrangler.toml ./
COPY backend ./backend
COPY shared ./shared
COPY scripts ./scripts
COPY drizzle ./drizzle
COPY gateway ./gateway
COPY test/support ./test/support
RUN npm run build

# ---- backend: production dependencies and the built output only, as a non-root user ----
FROM node:20-bookworm-slim AS backend
ENV NODE_ENV=production
ENV HOST=0.0.0.0
ENV PORT=8788
ENV MIGRATE_ON_START=false
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts
COPY --from=build /app/dist ./dist
COPY drizzle ./drizzle
# The status strip's thresholds (ops/alerts.yaml) are read at start.
COPY ops ./ops
USER node
EXPOSE 8788
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8788)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/server.js"]
