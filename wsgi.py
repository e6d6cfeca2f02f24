"""The production entry point: ``gunicorn -c gunicorn.conf.py wsgi:app`` (docs/PRODUCTION.md).

Behind nginx or a load balancer (PROXY_COUNT > 0) the client's address, scheme and host come from the
X-Forwarded-* headers of that many proxies, so that sign-in throttling counts real clients and redirects
keep https; served directly, those headers are ignored (a client could forge them)."""

from __future__ import annotations

from werkzeug.middleware.proxy_fix import ProxyFix

from app import create_app

app = create_app()
if proxies := app.config.get("PROXY_COUNT", 0):
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
