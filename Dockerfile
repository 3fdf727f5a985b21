# syntax=docker/dockerfile:1
# tinyhttp-cli as a container image: a build stage that compiles and packs the workspace, and a
# runtime stage with Node, the installed packages and the site, running as a non-root user on a
# read-only root file system. See docs/DEPLOY.md.
#
#   docker build -t tinyhttp:0.1.0 .
#   docker run --rm --read-only -p 8080:8080 -p 127.0.0.1:9464:9464 tinyhttp:0.1.0
#
# Pin the base image by digest in production (node:20-bookworm-slim@sha256:…).
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: compile every package and install the CLI's production dependencies into /opt/tinyhttp
FROM ${NODE_IMAGE} AS build
WORKDIR /src
# corepack's download of pnpm fails behind some proxies; npm's registry is enough.
RUN npm install -g pnpm@10.34.9 --no-audit --no-fund
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml tsconfig.base.json tsconfig.json ./
COPY packages ./packages
RUN pnpm install --frozen-lockfile \
 && pnpm build \
 && pnpm -r pack --pack-destination /packs \
 && mkdir -p /opt/tinyhttp \
 && cd /opt/tinyhttp \
 && echo '{"name":"tinyhttp-image","private":true}' > package.json \
 && npm install --omit=dev --no-audit --no-fund --no-package-lock /packs/*.tgz \
 && node node_modules/tinyhttp-cli/dist/bin.js --version

# ---- runtime: Node, the installed packages (owned by root, read-only to the server) and the site
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    PATH=/opt/tinyhttp/node_modules/.bin:$PATH
COPY --from=build /opt/tinyhttp /opt/tinyhttp
# The demo site: the four files of demo.allow, and nothing else (public/secret.txt stays out).
# A site of your own: FROM this image, then COPY your build to /srv/www (docs/DEPLOY.md).
COPY public/index.html public/style.css public/cors.html public/data.json /srv/www/
# tinyhttp.json mounted here is read at start-up (and on SIGHUP): it lies outside the served root.
WORKDIR /etc/tinyhttp
# Numeric, so Kubernetes' runAsNonRoot can verify it (the base image's "node" user).
USER 1000:1000
EXPOSE 8080 9464
STOPSIGNAL SIGTERM
# No curl in the image: the CLI asks the admin listener's /readyz itself (exit 0 ready, 1 not).
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["tinyhttp-cli", "healthcheck", "http://127.0.0.1:9464/readyz"]
ENTRYPOINT ["tinyhttp-cli"]
# Exposed on every interface only here, in the image: the CLI's own default is loopback.
CMD ["/srv/www", "--host", "0.0.0.0", "--port", "8080", "--admin", "0.0.0.0:9464", "--log-format", "json"]
