FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY crm crm
COPY apps apps
COPY templates templates
COPY static static
COPY manage.py gunicorn.conf.py ./
RUN pip install --no-cache-dir . && useradd --create-home crm && chown -R crm /app
USER crm
RUN SECRET_KEY=build-only DEBUG=0 python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py", "crm.wsgi"]
