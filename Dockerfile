# syntax=docker/dockerfile:1
# The tracker's server as a small image: built with the Rust toolchain, run on Debian slim as a
# user without privileges. Build: docker build -t tracker . (see README, "Running in containers").

FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
# Dependencies as the lock file pins them; the registry and build caches outlive a build.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p api --bin api \
 && install -m 0755 target/release/api /usr/local/bin/api

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /data --create-home tracker
COPY --from=build /usr/local/bin/api /usr/local/bin/api
USER 10001:10001
WORKDIR /data
# Listen on every interface inside the container; without DATABASE_URL the server keeps a
# SQLite file in /data (mount a volume there), with it PostgreSQL.
ENV HOST=0.0.0.0 PORT=8000 LOG_FORMAT=json
EXPOSE 8000
ENTRYPOINT ["/usr/local/bin/api"]
CMD ["serve"]
