"""The test suite: `make test`."""

import os

from .base import *  # noqa: F401,F403

DEBUG = False
# Argon2 is deliberately slow; tests only need a hasher that works.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Two test runs at once (say, two checkouts sharing one embedded server) each need their own database.
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DB_NAME", "test_clinic")}  # noqa: F405
