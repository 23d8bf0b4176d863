"""Settings for Renaksi, read from the environment.

Defaults give a working local install: SQLite and uploaded files in ``data/`` (git-ignored).
Set ``DATABASE_URL`` (e.g. ``postgres://postgres@127.0.0.1:5432/renaksi``) for PostgreSQL.
A bad value fails loudly at start-up rather than being silently replaced.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envint(name: str, default: str, minimum: int = 0) -> int:
    value = os.environ.get(name, default).strip()
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or number < minimum:
        raise ImproperlyConfigured(f"{name} must be a whole number >= {minimum}, not {value!r}")
    return number


DEBUG = envbool("DEBUG", "false")
DATA_DIR = Path(env("RENAKSI_DATA_DIR", str(BASE_DIR / "data")))
# A deployment says it is one; then the secret key comes from the environment only.
PRODUCTION = envbool("RENAKSI_PRODUCTION", "false")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be false when RENAKSI_PRODUCTION is true")


def read_secret_key() -> str:
    """The secret key, by one rule (README, Environment variables):

    1. SECRET_KEY from the environment, always first;
    2. in production (RENAKSI_PRODUCTION=true): nothing else, so a missing key is an error;
    3. otherwise the key bin/start keeps in $RENAKSI_DATA_DIR/secret_key, if the file exists;
    4. otherwise, with DEBUG=true (or RENAKSI_INSECURE_DEV_KEY=true), a fixed development key.
    """
    key = env("SECRET_KEY").strip()
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With RENAKSI_PRODUCTION=true it is read only from the "
            "environment."
        )
    key_file = DATA_DIR / "secret_key"
    try:
        key = key_file.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        key = None
    except (OSError, UnicodeDecodeError) as exc:
        raise ImproperlyConfigured(
            f"SECRET_KEY is not set and {key_file} cannot be read: {exc}"
        ) from exc
    if key == "":
        raise ImproperlyConfigured(f"SECRET_KEY is not set and {key_file} is empty")
    if key:
        return key
    if DEBUG or envbool("RENAKSI_INSECURE_DEV_KEY", "false"):
        return "insecure-development-key-not-for-production"
    raise ImproperlyConfigured(
        f"SECRET_KEY is not set and there is no {key_file}. Set SECRET_KEY, or run bin/start "
        "once to create the file."
    )


SECRET_KEY = read_secret_key()

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
# A refused form (expired or missing CSRF token) gets a page saying to reload it.
CSRF_FAILURE_VIEW = "renaksi.core.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "renaksi.core",
    "renaksi.units",
    "renaksi.plans",
    "renaksi.importer",
    "renaksi.accounts",
    "axes",
    "renaksi.teams",
    "renaksi.access",
    "renaksi.audit",
    "renaksi.exports",
    "renaksi.work",
    "renaksi.monitoring",
    "renaksi.evaluation",
    "renaksi.submissions",
    "renaksi.reports",
    "renaksi.dashboards",
    "renaksi.publication",
    "django_htmx",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "renaksi.core.middleware.ChosenLanguageMiddleware",
    "renaksi.core.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last: turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "renaksi.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "renaksi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
            ],
        },
    },
]

WSGI_APPLICATION = "renaksi.wsgi.application"

DATABASE_URL = env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'renaksi.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Axes first: it refuses a locked-out sign-in before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "renaksi.accounts.backends.UsernameOrEmailBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "plans:list"
LOGOUT_REDIRECT_URL = "login"

# Lock-out (django-axes): after AXES_FAILURE_LIMIT failed sign-ins for one account from one IP
# address, that account is locked for that address for AXES_COOLOFF_MINUTES. Failures are
# counted per account, whether the username or the e-mail address was typed; a successful
# sign-in clears them. Retrying while locked does not extend the lock.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5", minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", "30", minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "renaksi.accounts.lockout.lockout_username"
AXES_LOCKOUT_CALLABLE = "renaksi.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Behind reverse proxies, every request comes from the proxy's address: set
# RENAKSI_PROXY_COUNT to the number of proxies in front of Renaksi so the client's address is
# read from X-Forwarded-For (set by those proxies), not REMOTE_ADDR (accounts/lockout.py).
PROXY_COUNT = envint("RENAKSI_PROXY_COUNT", "0", minimum=0)
AXES_CLIENT_IP_CALLABLE = "renaksi.accounts.lockout.client_address"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False

# Password-reset requests (accounts/ratelimit.py): at most PER_ADDRESS for one e-mail address
# and PER_CLIENT from one client address in each window of MINUTES, counted in the cache.
PASSWORD_RESET_LIMIT_PER_ADDRESS = envint("PASSWORD_RESET_LIMIT_PER_ADDRESS", "3", minimum=1)
PASSWORD_RESET_LIMIT_PER_CLIENT = envint("PASSWORD_RESET_LIMIT_PER_CLIENT", "10", minimum=1)
PASSWORD_RESET_LIMIT_MINUTES = envint("PASSWORD_RESET_LIMIT_MINUTES", "60", minimum=1)
# Each server process keeps its own counts; with several processes, each counts separately.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "renaksi" / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "renaksi" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(DATA_DIR / "media")))

# Evidence files, the year's work (renaksi/work/files.py, docs/evidence.md). A local folder
# outside MEDIA_ROOT by default (never served directly: downloads go through the access
# layer), an S3-compatible bucket when RENAKSI_EVIDENCE_S3_BUCKET is set.
EVIDENCE_DIR = Path(env("RENAKSI_EVIDENCE_DIR", str(DATA_DIR / "private")))
EVIDENCE_S3_BUCKET = env("RENAKSI_EVIDENCE_S3_BUCKET").strip()
if EVIDENCE_S3_BUCKET:
    STORAGES["evidence"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": EVIDENCE_S3_BUCKET,
            "endpoint_url": env("RENAKSI_EVIDENCE_S3_ENDPOINT_URL").strip() or None,
            "region_name": env("RENAKSI_EVIDENCE_S3_REGION").strip() or None,
            "access_key": env("RENAKSI_EVIDENCE_S3_ACCESS_KEY_ID").strip() or None,
            "secret_key": env("RENAKSI_EVIDENCE_S3_SECRET_ACCESS_KEY").strip() or None,
            "location": env("RENAKSI_EVIDENCE_S3_PREFIX").strip().strip("/"),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    STORAGES["evidence"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(EVIDENCE_DIR), "base_url": None},
    }
RENAKSI_EVIDENCE_MAX_BYTES = envint("RENAKSI_EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024), minimum=1)
RENAKSI_EVIDENCE_IMAGE_MAX_SIDE = envint("RENAKSI_EVIDENCE_IMAGE_MAX_SIDE", "2560", minimum=64)
# Uploads to the staging endpoint (work:upload_stage) per person in each window of minutes.
RENAKSI_EVIDENCE_STAGE_LIMIT = envint("RENAKSI_EVIDENCE_STAGE_LIMIT", "120", minimum=1)
RENAKSI_EVIDENCE_STAGE_LIMIT_MINUTES = envint(
    "RENAKSI_EVIDENCE_STAGE_LIMIT_MINUTES", "60", minimum=1
)
# A quarter's package (renaksi/submissions) is due this many days after the quarter ends,
# unless KPU RI set a date for that year and quarter (SubmissionDeadline).
RENAKSI_SUBMISSION_DUE_DAYS = envint("RENAKSI_SUBMISSION_DUE_DAYS", "15", minimum=0)

# Uploaded decrees are small text files; refuse anything unreasonable early.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Security headers, on by default.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(60 * 60 * 8), minimum=60)  # seconds
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "false")
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "false")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "0"))
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

MAILERS = {
    "default": {
        "BACKEND": env("EMAIL_BACKEND", "renaksi.accounts.mail.ConsoleEmailBackend"),
    },
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "renaksi@localhost")

# -- Reminders and background tasks (issue #8, part "reminders"; docs/reminders.md) --------
# The site's address, for the absolute links in e-mails sent outside a request.
SITE_URL = env("RENAKSI_SITE_URL", "http://127.0.0.1:8000")
# Django's task framework. RENAKSI_TASKS=immediate (default) runs a task at once, in the
# process that enqueues it; RENAKSI_TASKS=database stores it for django-tasks-db's worker
# (`python manage.py db_worker`, see bin/worker).
INSTALLED_APPS += ["django_tasks_db"]
TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
_tasks_backend = env("RENAKSI_TASKS", "immediate").strip().lower()
if _tasks_backend not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"RENAKSI_TASKS must be one of {', '.join(TASK_BACKENDS)}, not {_tasks_backend!r}"
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[_tasks_backend]}}
# -- end of reminders ----------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
