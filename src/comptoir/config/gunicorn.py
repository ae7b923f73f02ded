"""gunicorn's settings for Comptoir: ``gunicorn -c python:comptoir.config.gunicorn``.

Every value comes from the environment, as Django's settings do (docs/operator-guide.md, "Web
server"):

``COMPTOIR_BIND``          address to listen on (``HOST:PORT``, ``unix:PATH``; several separated
                           by commas); default ``127.0.0.1:$PORT``, ``PORT`` default 8000
``COMPTOIR_WEB_WORKERS``   worker processes; default 2 × CPUs + 1, at most 8
``COMPTOIR_WEB_THREADS``   threads per worker (more than 1: gunicorn's threaded worker); default 1
``COMPTOIR_WEB_TIMEOUT``   seconds a request may take before its worker is killed; default 60
``COMPTOIR_FORWARDED_ALLOW_IPS`` addresses of the proxies whose ``X-Forwarded-Proto`` is
                           believed (the request then counts as HTTPS); default loopback only
``COMPTOIR_WEB_LOG_LEVEL`` gunicorn's own messages (start, workers, errors); default ``info``

SIGTERM (or SIGINT) stops accepting connections and lets the requests in hand finish for up to
``graceful_timeout`` seconds. The access log goes to standard output with each request's id (the
``X-Request-ID`` Comptoir returned), as one JSON object a line when ``COMPTOIR_LOG_FORMAT=json``.
"""

import os

from comptoir.operations.serving import default_web_workers

_port = os.environ.get("PORT", "8000")
bind = [
    address.strip()
    for address in os.environ.get("COMPTOIR_BIND", f"127.0.0.1:{_port}").split(",")
    if address.strip()
]
workers = int(os.environ.get("COMPTOIR_WEB_WORKERS") or default_web_workers())
threads = int(os.environ.get("COMPTOIR_WEB_THREADS", "1"))
wsgi_app = "comptoir.config.wsgi:application"
proc_name = "comptoir-web"

# A worker silent this long is killed and replaced; a request still running when SIGTERM came
# has this long to finish. Behind a load balancer, keep-alive lets it reuse connections.
timeout = int(os.environ.get("COMPTOIR_WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Each worker is replaced after about a thousand requests: a slow leak never grows for days.
max_requests = 1000
max_requests_jitter = 100
# The workers' heartbeat files on memory, not on a container's overlay disk, when there is one.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - tmpfs, ours

# The proxy in front (nginx, a load balancer) says the client's request was HTTPS with
# X-Forwarded-Proto; gunicorn believes it only from these addresses, and Django then sees a secure
# request (no redirect loop, secure CSRF checks) without SECURE_PROXY_SSL_HEADER.
forwarded_allow_ips = os.environ.get("COMPTOIR_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# No gunicornc control socket: it would be one file per user, shared by every site on the host.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("COMPTOIR_WEB_LOG_LEVEL", "info").lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms [%({x-request-id}o)s] "%(a)s"'
if os.environ.get("COMPTOIR_LOG_FORMAT") == "json":
    logger_class = "comptoir.operations.serving.JsonLogger"
