"""Production: every value from the environment (README, "Configuration"). Run behind a TLS proxy."""

import os

from django.core.exceptions import ImproperlyConfigured

from clinic.database import database_settings

from .base import *  # noqa: F401,F403
from .base import BASE_DIR, env_bool, env_list


def required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable (see README, Configuration).")
    return value


# Never the embedded server in production: several app servers share one PostgreSQL. Without DATABASE_URL
# this refuses before anything starts.
# Keep each worker's database connection open between requests (a new connection per request costs a
# PostgreSQL backend start and authentication); check it before reuse so that a restarted server or a
# dropped connection costs one reconnect, not an error page (issue 13).
DATABASES = {"default": database_settings(base_dir=BASE_DIR, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "600")),
                                          embedded=False, parallel_workers=env_bool("DB_PARALLEL_WORKERS"))}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
SECRET_KEY = required("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS") or required("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# Patients' e-mailed appointment links are built from it; the development default would point at localhost.
SITE_URL = required("SITE_URL")
# A high-risk intake answer e-mails this address at once (CLINICAL.md §3): nobody would hear of it otherwise.
CLINIC_ONCALL_EMAIL = required("CLINIC_ONCALL_EMAIL")
DEBUG = False
DEMO_DATA_ALLOWED = False
CLINIC_REQUIRE_2FA = env_bool("CLINIC_REQUIRE_2FA", True)

# Behind one TLS proxy by default (README, Production).
CLINIC_TRUSTED_PROXY_COUNT = int(os.environ.get("CLINIC_TRUSTED_PROXY_COUNT", "1"))
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
