# job-gateway container image: build with dev dependencies, run with production ones only.
# Node 24, the major that `npm run` uses everywhere else (node@24 in devDependencies).
#
#   docker build -t job-gateway .
#
# Try it on the embedded fake apiserver (Jobs live in memory and vanish with the container),
# with the example users of examples/auth (alice may create and delete in `default`, bob read):
#
#   docker run --rm -p 3000:3000 --read-only -e K8S_BACKEND=fake \
#     -e AUTH_MODE=token-file -e AUTH_TOKEN_FILE=/auth/tokens.csv -e AUTH_RBAC_FILE=/auth/rbac.yaml \
#     -v "$PWD/examples/auth:/auth:ro" job-gateway
#
# In front of a cluster (the image's default, K8S_BACKEND=cluster) it needs a kubeconfig (or a
# pod's service account) and AUTH_MODE: without them it stops at once, listing what is missing.
# The kubeconfig must be readable by the image's `node` user (uid 1000) and name a server the
# container can reach.
#
#   docker run --rm -p 3000:3000 --read-only -e KUBECONFIG=/kube/config \
#     -e AUTH_MODE=token-file -e AUTH_TOKEN_FILE=/auth/tokens.csv -e AUTH_RBAC_FILE=/auth/rbac.yaml \
#     -v "$HOME/.kube/config:/kube/config:ro" -v "$PWD/examples/auth:/auth:ro" job-gateway
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# No install scripts: the image brings its Node, so the node@24 package stays without its binary.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    K8S_BACKEND=cluster
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
# Runs as the image's unprivileged "node" user; nothing is written to the root filesystem.
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node is PID 1's child-free process here: it receives SIGTERM directly, and Nest's
# shutdown hooks let Fastify finish in-flight requests before exiting.
CMD ["node", "dist/main.js"]
