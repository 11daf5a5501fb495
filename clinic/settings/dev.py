"""Local development: `make run`."""

import os

from clinic.database import database_settings

from .base import *  # noqa: F401,F403
from .base import BASE_DIR, env_bool

DEBUG = True
# DATABASE_URL if set, else the embedded PostgreSQL under var/pgdata (started here, never in production).
DATABASES = {"default": database_settings(base_dir=BASE_DIR, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
                                          embedded=True, parallel_workers=env_bool("DB_PARALLEL_WORKERS"))}
