# mozrest-sync: one image for the API (default CMD), the Temporal worker and the migrations.
#   API:        uvicorn api.main:app --host 0.0.0.0 --port 8000   (default)
#   worker:     python worker.py
#   migrations: python migrate.py        (reads DATABASE_URL)
# See docker-compose.yml for a production-shaped stack built from this file.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

WORKDIR /app

# Dependencies first, read from pyproject.toml, so this layer stays cached while only the code changes.
COPY pyproject.toml README.md ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The project: every package and module listed in [tool.setuptools], plus the SQL migrations
# (not package data: migrate.py finds them next to itself, so commands run from /app).
COPY config.py worker.py migrate.py temporal_client.py ./
COPY api/ api/
COPY activities/ activities/
COPY workflows/ workflows/
COPY domain/ domain/
COPY devstack/ devstack/
COPY migrations/ migrations/
RUN pip install . && rm -rf build *.egg-info

RUN useradd --create-home --uid 10001 --user-group app
USER app

EXPOSE 8000
CMD ["uvicorn", "api.main:app", "--host", "0.0.0.0", "--port", "8000"]
