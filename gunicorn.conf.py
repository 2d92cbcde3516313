"""gunicorn's configuration, used by the Dockerfile and docker-compose.yml:
`gunicorn -c gunicorn.conf.py crm.wsgi` (command-line options override these)."""

import os

bind = "0.0.0.0:8000"
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
accesslog = "-"

# CRM.COM Back-Office v2 documents its key header as `api_key`, and public clients send exactly
# that; gunicorn drops header names with underscores (a client could pass `X_Forwarded_For` off
# as `X-Forwarded-For`). Keep exactly that one header, from any peer: gunicorn maps the listed
# "forwarder" headers (and no others) into the environment, here `HTTP_API_KEY`.
forwarded_allow_ips = "*"
forwarder_headers = "API_KEY"
# Trusting every peer must not make gunicorn believe a client's X-Forwarded-Proto: Django reads
# it instead (SECURE_PROXY_SSL_HEADER), and a proxy in front must set it (see the README).
secure_scheme_headers = {}
