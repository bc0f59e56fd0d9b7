"""The web process's settings without the database connection health check, for the
fault test showing what the check is for (tests/faults/test_database_reconnect.py)."""

from config.settings.local import *  # noqa: F403
from config.settings.local import DATABASES

DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
