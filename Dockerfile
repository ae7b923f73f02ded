# Comptoir's container image: the web server and the background worker (scripts/serve), built
# from the lock files (requirements.lock with its hashes, package-lock.json).
#
#   docker build -t comptoir .
#   docker run --stop-timeout 40 -p 8000:8000 -v comptoir-data:/var/lib/comptoir \
#       -e COMPTOIR_SECRET_KEY=... -e DATABASE_URL=postgres://... \
#       -e COMPTOIR_ALLOWED_HOSTS=comptoir.example.gc.ca ... comptoir [--migrate]
#
# docs/operator-guide.md, "Container image", lists what to set.

# --- Build: the Python environment, the GC Design System, the compiled translations ------------
FROM python:3.12-slim-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# Every Python package from the lock file, each checked against its hashes.
COPY requirements.lock ./
RUN python -m venv /app/.venv \
    && /app/.venv/bin/pip install --no-cache-dir --require-hashes -r requirements.lock

# The GC Design System, exactly as package-lock.json pins it.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

COPY pyproject.toml README.md LICENSE ./
COPY src ./src
COPY scripts ./scripts
# Comptoir itself is not built as a package (that would fetch its build backend, which the lock
# does not pin): its source goes on the path with its metadata and the comptoir command, as
# scripts/setup's editable install does (scripts/venv_source.py).
RUN /app/.venv/bin/python scripts/venv_source.py \
    && for po in $(find src -name django.po); do msgfmt --check -o "${po%.po}.mo" "$po"; done

# --- The image: no compiler, no npm; a user of its own ------------------------------------------
FROM python:3.12-slim-bookworm
# postgresql-client: comptoir backup and restore on PostgreSQL (pg_dump, pg_restore);
# Pango and a font: WeasyPrint draws the reports as tagged PDF.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fontconfig \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/comptoir comptoir \
    && mkdir -p /var/lib/comptoir \
    && chown comptoir:comptoir /var/lib/comptoir
WORKDIR /app
COPY --from=build /app/.venv /app/.venv
COPY --from=build /app/node_modules/@gcds-core /app/node_modules/@gcds-core
COPY --from=build /app/src /app/src
COPY --from=build /app/scripts /app/scripts
COPY --from=build /app/pyproject.toml /app/README.md /app/LICENSE /app/

# The database (when SQLite), the uploads, the clients' files and the collected static files live
# in the volume; the web server listens on every interface of the container.
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    COMPTOIR_VAR_DIR=/var/lib/comptoir \
    COMPTOIR_BIND=0.0.0.0:8000
VOLUME /var/lib/comptoir
USER comptoir
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=6s --start-period=60s --retries=3 \
    CMD ["python", "-m", "comptoir.operations.healthcheck", "/healthz"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["scripts/serve", "--no-setup"]
CMD []
