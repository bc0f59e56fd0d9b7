"""Gunicorn settings for the web process (`gunicorn -c python:config.gunicorn config.wsgi`).

Sizes come from config.env: WEB_CONCURRENCY processes of GRADIENT_WEB_THREADS threads
each. Threads overlap the time a request waits on PostgreSQL; processes use the cores.
"""

from config import env

wsgi_app = "config.wsgi:application"
bind = [env.WEB_BIND]
workers = env.WEB_CONCURRENCY
worker_class = "gthread"
threads = env.WEB_THREADS
# Keep-alive between the proxy (or a client) and a worker; gthread honours it. Longer
# than the proxy's idle timeout (60 s for nginx and most load balancers), so that the
# proxy, not gunicorn, closes an idle connection: when gunicorn closes one while a
# request is being sent on it, that request fails (seen under load with 5 s).
keepalive = env.WEB_KEEPALIVE
timeout = env.WEB_TIMEOUT
graceful_timeout = 30
# No periodic recycling of workers: a recycled worker closes its keep-alive connections,
# and a request sent on one at that moment fails in the client (seen under load).
max_requests = 0
# Import the application once in the master: faster forks, shared memory, and a broken
# configuration fails at start instead of in every worker.
preload_app = True
accesslog = "-" if env.WEB_ACCESS_LOG else None
errorlog = "-"

proc_name = "gradient-web"
# gunicorn >= 25 opens a control socket at one path per user: two sites on one host
# would collide on it, and nothing here uses it.
control_socket_disable = True
