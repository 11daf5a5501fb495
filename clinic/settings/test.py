"""The test suite: `make test`."""

import os

from clinic.database import database_settings

from .base import *  # noqa: F401,F403
from .base import BASE_DIR

DEBUG = False
# Argon2 is deliberately slow; tests only need a hasher that works.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# DATABASE_URL if set, else the embedded PostgreSQL under var/pgdata (started here, never in production).
DATABASES = {"default": database_settings(base_dir=BASE_DIR, embedded=True)}
# Two test runs at once (say, two checkouts sharing one embedded server) each need their own database.
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DB_NAME", "test_clinic")}
