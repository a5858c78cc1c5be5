# advisorywatch daemon image: slim, non-root, config and data as volumes.
#   docker build -t advisorywatch .
#   docker run -v $PWD/config.yaml:/config/config.yaml:ro -v aw-data:/data advisorywatch
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml constraints.txt README.md ./
COPY advisorywatch ./advisorywatch
RUN pip install --no-cache-dir --prefix=/install -c constraints.txt ".[postgres]"

FROM python:3.11-slim
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin advisorywatch \
    && mkdir -p /data /config && chown advisorywatch /data
COPY --from=build /install /usr/local
USER advisorywatch
WORKDIR /data
VOLUME ["/data", "/config"]
# The default database (no database.url in the config) lives in the /data volume.
ENV ADVISORYWATCH_CONFIG=/config/config.yaml \
    ADVISORYWATCH_DATA_DIR=/data \
    PYTHONUNBUFFERED=1
# /healthz when daemon.http is enabled (bind it to 0.0.0.0 inside the container).
EXPOSE 9464
ENTRYPOINT ["advisorywatch"]
CMD ["run"]
