# One image for all three services and the migration job: `mtrack serve <name>` / `mtrack migrate`.
# Two stages: the builder installs the locked dependencies (requirements.lock, every file hash-checked)
# and the project into a virtualenv; the runtime stage gets only that virtualenv: no compilers, no build
# tools, no laptop-only packages (embedded PostgreSQL, the tansu broker and aiosmtpd are the `[local]`
# extra, never installed here). Keep requirements.lock in step with pyproject.toml: `make lock`.
ARG PYTHON_IMAGE=python:3.11.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/mtrack
WORKDIR /src
COPY requirements.lock ./
RUN /opt/mtrack/bin/pip install --require-hashes --no-deps --only-binary=:all: -r requirements.lock
COPY pyproject.toml README.md ./
COPY mtrack ./mtrack
COPY shared ./shared
COPY services ./services
# The project itself (its dependencies are all in the lock: --no-deps).
RUN /opt/mtrack/bin/pip install --no-deps . \
 && /opt/mtrack/bin/pip check

FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/mtrack/bin:$PATH \
    MTRACK_DIRECTORY_FILE=/app/config/directory.yaml \
    MTRACK_CALENDAR_FILE=/app/config/calendar.json \
    MTRACK_LOG_FORMAT=json

# A numeric UID, so Kubernetes can verify runAsNonRoot without looking the name up.
RUN groupadd --system --gid 10001 mtrack \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin mtrack

COPY --from=build /opt/mtrack /opt/mtrack
WORKDIR /app
COPY config ./config
COPY examples ./examples

USER 10001:10001
EXPOSE 8001 8002 8003

# No HEALTHCHECK here: the port depends on which service the container runs (and the migrate job
# serves nothing), so docker-compose.yml and the Kubernetes probes check /healthz per service.
ENTRYPOINT ["mtrack"]
CMD ["--help"]
