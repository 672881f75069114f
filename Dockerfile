# One image for web, worker and beat; docker-compose.yml picks the command.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=cop_portal.settings.production \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 cop

COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements.lock

COPY . .
# collectstatic needs settings but no real secret or database. The media directory exists
# (owned by cop) before the named volume is mounted on it, so uploads are writable.
RUN SECRET_KEY=build-only-$(python -c "import secrets; print(secrets.token_urlsafe(64))") ALLOWED_HOSTS=localhost \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media && chown -R cop:cop /app/var

USER cop
EXPOSE 8000
# The deployment checks stop the start on any error (no shared cache: cop_portal.E001) before gunicorn serves.
CMD ["sh", "-c", "python manage.py check --deploy --fail-level ERROR && exec gunicorn cop_portal.wsgi:application --bind 0.0.0.0:8000 --workers 3 --access-logfile -"]
