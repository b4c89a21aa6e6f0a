FROM python:3.11.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
# .dockerignore keeps .env, .git, db.sqlite3 and the venv out of the image.
COPY . .
# So the image also serves static files when started without compose; the web service collects
# again at start. The key below is refused at runtime by the production checks.
RUN DJANGO_DEBUG=false DJANGO_READ_DOT_ENV=false \
    SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime-0123456789 \
    python manage.py collectstatic --noinput
RUN useradd --system app && chown -R app /app
USER app
EXPOSE 8000
CMD ["gunicorn", "mitlaeufer.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
