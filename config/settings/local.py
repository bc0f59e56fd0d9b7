"""Development: the embedded default (SQLite, eager Celery) unless the environment says so."""

from config import env

from .base import *  # noqa: F403

DEBUG = env.get_bool("DJANGO_DEBUG", True)
