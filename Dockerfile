# One image for all three services and the migration job: `mtrack serve <name>` / `mtrack migrate`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY mtrack ./mtrack
COPY shared ./shared
COPY services ./services
RUN pip install --no-cache-dir . && rm -rf /src

# A numeric UID, so Kubernetes can verify runAsNonRoot without looking the name up.
RUN groupadd --system --gid 10001 mtrack \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin mtrack

WORKDIR /app
COPY config ./config
COPY examples ./examples
ENV MTRACK_OWNER_DIRECTORY=/app/config/owners.json

USER 10001:10001
EXPOSE 8001 8002 8003

# No HEALTHCHECK here: the port depends on which service the container runs (and the migrate job
# serves nothing), so docker-compose.yml and the Kubernetes probes check /healthz per service.
ENTRYPOINT ["mtrack"]
CMD ["--help"]
