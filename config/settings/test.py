"""Test settings: fast hashing, mail kept in memory, eager Celery unless a broker is given."""

import tempfile

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="gradient-test-media-")

# The suite runs tasks in-process even when CI provides a broker; tests marked
# `integration` start a real worker and switch this off themselves.
CELERY_TASK_ALWAYS_EAGER = True
GRADIENT_DEV_SIGNING_KEY_FILE = tempfile.mkdtemp(prefix="gradient-test-key-") + "/key.pem"
