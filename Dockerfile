# The portal's image: the web app (gunicorn), and the same image runs the Celery worker, beat
# and migrations (see docker-compose.yml).
FROM python:3.11.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=dojo_portal.settings.production \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DOJO_VAR_DIR=/var/lib/dojo \
    MEDIA_ROOT=/var/lib/dojo/media

RUN groupadd --system --gid 1000 dojo \
    && useradd --system --uid 1000 --gid dojo --home-dir /app --shell /usr/sbin/nologin dojo

WORKDIR /app

# GNU gettext's msgfmt, which compilemessages runs to compile the interface's catalogues;
# PostgreSQL's client tools (pg_dump, pg_restore: Debian 12's are version 15, as the database),
# which `manage.py backup` and `restore` run; ffmpeg (ffprobe reads what a recording holds,
# ffmpeg transcodes it); poppler-utils (pdftoppm draws page 1 of a work sample).
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext postgresql-client ffmpeg poppler-utils \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, pinned by constraints.txt, so a code change does not reinstall them.
COPY pyproject.toml constraints.txt README.md ./
RUN pip install -c constraints.txt .

COPY . .

# Static files are collected at build time with the production storage (hashed names); the web
# service collects them again into the volume nginx serves, so an upgrade brings new files.
# The interface's catalogues (locale/*.po) are compiled here too: git keeps no .mo file, and a
# catalogue that does not compile fails the build.
# The key below exists only for this build step: the running app refuses to start without its own.
RUN mkdir -p /var/lib/dojo/media /var/lib/dojo/static /var/lib/dojo/beat \
    && DJANGO_DEBUG=false SECRET_KEY=collectstatic-build-step-only \
       python manage.py compilemessages --verbosity 0 \
    && DJANGO_DEBUG=false SECRET_KEY=collectstatic-build-step-only \
       python manage.py collectstatic --noinput --verbosity 0 \
    && chown -R dojo:dojo /var/lib/dojo

USER dojo
EXPOSE 8000
CMD ["gunicorn", "dojo_portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
