"""Production: no default secrets; refuses to start without its required environment."""

from config import env

from .base import *  # noqa: F403
from .base import MIDDLEWARE, STORAGES

SECRET_KEY = env.require("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.get_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    env.require("DJANGO_ALLOWED_HOSTS")
DEBUG = False

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.SECURE_SSL_REDIRECT
SESSION_COOKIE_SECURE = env.SECURE_COOKIES
CSRF_COOKIE_SECURE = env.SECURE_COOKIES
SECURE_HSTS_SECONDS = env.HSTS_SECONDS
LANGUAGE_COOKIE_SECURE = env.SECURE_COOKIES
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
EMAIL_BACKEND = env.EMAIL_BACKEND or "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env.EMAIL_URL_HOST or "localhost"
EMAIL_PORT = env.EMAIL_PORT
# Certificates must verify across hosts and restarts: the key comes from the environment.
GRADIENT_CERTIFICATE_SIGNING_KEY = env.require("GRADIENT_CERTIFICATE_SIGNING_KEY")

# Every web process serves the static files itself (WhiteNoise): collectstatic writes
# them with content hashes in their names and pre-compressed copies, so they can be
# cached forever and need no separate web server.
MIDDLEWARE = [
    MIDDLEWARE[0],  # SecurityMiddleware first, as WhiteNoise asks
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[1:],
]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
