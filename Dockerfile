# avni-integrator's image.
# - Built on Debian 12 with the project's own scripts/setup: the same packages as a developer's
#   machine and CI, so the image builds what `make test` tested.
# - Run on Debian 12 slim with only the libraries the binary links (the list below is checked
#   against the binary by tests/packaging/runtime_packages_test.sh), as a non-root user.
# - The SQLite file and the secret key live on the volume /var/lib/avni-integrator; with
#   PostgreSQL, set AVNI_INT_DB and AVNI_INT_SECRET_KEY instead (docker-compose.yml).
#
#   docker build -t avni-integrator .
#   docker run -p 8080:8080 -v avni-data:/var/lib/avni-integrator avni-integrator

FROM debian:12 AS build
WORKDIR /src
# scripts/setup alone first: its layer (the Debian packages) is reused while only sources change.
COPY scripts/setup scripts/setup
RUN apt-get update -qq && scripts/setup && rm -rf /var/lib/apt/lists/*
COPY . .
RUN make build JOBS="$(nproc)" \
 && strip build/release/src/app/avni-integrator

FROM debian:12-slim
# The shared libraries the binary needs at run time (what `ldd` lists, by Debian package), CA
# certificates for TLS to tenants' servers, time zones for job schedules, curl for HEALTHCHECK.
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      ca-certificates tzdata curl \
      libsoci-core4.0 libsoci-sqlite3-4.0 libsoci-postgresql4.0 libpq5 libsqlite3-0 \
      libcurl4 libssl3 zlib1g libsodium23 libzip4 libre2-9 libpugixml1v5 \
      libspdlog1.10 libfmt9 libcpp-httplib0.11 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/avni-integrator \
      --shell /usr/sbin/nologin avni \
 && install -d -o avni -g avni -m 0700 /var/lib/avni-integrator
COPY --from=build /src/build/release/src/app/avni-integrator /usr/local/bin/avni-integrator
COPY --from=build /src/web/dist /usr/share/avni-integrator/web

USER avni
WORKDIR /var/lib/avni-integrator
VOLUME /var/lib/avni-integrator
ENV AVNI_INT_DB=sqlite:/var/lib/avni-integrator/integrator.db \
    AVNI_INT_WEB_DIR=/usr/share/avni-integrator/web \
    AVNI_INT_PORT=8080
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD curl -fsS http://127.0.0.1:8080/ready || exit 1
ENTRYPOINT ["avni-integrator"]
# Listen on every address of the container; a proxy with TLS belongs in front (README).
CMD ["serve", "--host", "0.0.0.0"]
