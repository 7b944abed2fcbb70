"""Settings read from the environment (django-environ); defaults suit a laptop demo on SQLite."""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["localhost", "127.0.0.1", "[::1]"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
    SECURE_SSL_REDIRECT=(bool, False),
    SECURE_HSTS_SECONDS=(int, 0),
    SECURE_HSTS_INCLUDE_SUBDOMAINS=(bool, False),
    SECURE_HSTS_PRELOAD=(bool, False),
    TRUST_X_FORWARDED_PROTO=(bool, False),
    TRUST_X_FORWARDED_FOR=(bool, False),
)
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env("DEBUG")
# The fallback key only works with DEBUG on, so a forgotten SECRET_KEY cannot reach production.
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key" if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "axes",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "import_export",
    "core",
    "areas",
    "accounts",
    "branches",
    "members",
    "ratings",
    "fees",
    "book",
    "cadres",
    "meetings",
    "reports",
    "django_tasks",
    "workbooks.apps.BackgroundTasksConfig",  # django_tasks_db
    "workbooks",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response, error pages included.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.LanguageMiddleware",
    "core.middleware.ErrorPageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which reads the form of every POST: a body larger than its view
    # accepts (DATA_UPLOAD_MAX_MEMORY_SIZE, or the workbook upload's limit) is refused unread.
    "core.body_limit.BodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view says otherwise (login, static files).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Keeps an active session alive (SESSION_IDLE_MINUTES), writing it at most once a minute.
    "core.sessions.IdleSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a refused login into the "locked out" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "django.template.context_processors.i18n",
                "core.navigation.main_menu",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the server and a management command work on the demo database at once. One writer
    # at a time: a transaction takes the write lock when it begins (IMMEDIATE), waiting up to
    # `timeout` seconds for it, since one that read first and then writes is refused at once
    # ("database is locked"). Pages that only read run outside a transaction (core/handlers.py).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    # No JIT: the app's queries read small roll-up rows, but a correlated subquery over a
    # province's 10.000 branches is estimated costly, and PostgreSQL spent 150 ms compiling
    # one that then ran in 1 ms (bench/reports.py, the meetings report). Options given in
    # DATABASE_URL come first.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (INCLUDE) speed up reports on PostgreSQL; SQLite keeps the key columns
# (for the roll-ups' unique constraints, members.rollups creates that plain index).
SILENCED_SYSTEM_CHECKS = ["models.W039", "models.W040"]

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes, accounts/throttling.py): after LOGIN_FAILURE_LIMIT wrong passwords
# for one username from one address, that pair is refused for LOGIN_COOLOFF_MINUTES; after
# LOGIN_FAILURE_LIMIT_PER_ADDRESS wrong passwords from one address, whatever the usernames, the
# address is. Higher, so that a district office behind one public address is not shut out by a few
# colleagues' typos, yet one address cannot try a few passwords on every username.
# The address is REMOTE_ADDR. Behind a reverse proxy that is the proxy's, for every client: set
# TRUST_X_FORWARDED_FOR there (only there: anyone reaching the server directly could forge the
# header to escape), and the address is the one the proxy appends to X-Forwarded-For.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env.int("LOGIN_FAILURE_LIMIT_PER_ADDRESS", default=30)
if LOGIN_FAILURE_LIMIT_PER_ADDRESS < AXES_FAILURE_LIMIT:
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT_PER_ADDRESS must be at least LOGIN_FAILURE_LIMIT.")
AXES_LOCKOUT_PARAMETERS = "accounts.throttling.lockout_parameters"
TRUST_X_FORWARDED_FOR = env("TRUST_X_FORWARDED_FOR")
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# Unlock early with `manage.py axes_reset_username USERNAME` (an address: `axes_reset_ip ADDRESS`);
# Django already keeps last_login, so axes' own log of successful logins and its (English-only)
# admin pages are left off.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False  # its start-up line would print before every management command

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language chosen in the menu is kept a year (Django's default: until the browser closes).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# Django's own Vietnamese formats write dates in words; users expect dd/mm/yyyy.
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = BASE_DIR / "media"

# Background work (imports of large workbooks): the tasks API of Django 6 (django.tasks) through
# its backport; the database backend needs no other server, `manage.py db_worker` runs the tasks.
# An RQ or Celery backend can replace it in TASKS without touching the code.
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}
# The largest workbook accepted for import, in bytes.
WORKBOOK_MAX_UPLOAD_SIZE = env.int("WORKBOOK_MAX_UPLOAD_SIZE", default=20 * 1024 * 1024)
NOTE_MAX_UPLOAD_SIZE = env.int("NOTE_MAX_UPLOAD_SIZE", default=10 * 1024 * 1024)  # each file of an orientation note
# Uploads of more rows than this are read and imported by the task worker.
WORKBOOK_BACKGROUND_ROWS = env.int("WORKBOOK_BACKGROUND_ROWS", default=2000)
# The most rows a workbook may hold (all its sheets, counted in the file): more are refused.
WORKBOOK_MAX_ROWS = env.int("WORKBOOK_MAX_ROWS", default=200_000)
# An import the worker began and then gave no sign of life for this many seconds (it reports
# progress every few seconds) is marked failed: its worker was stopped, its transaction rolled back.
WORKBOOK_STOPPED_AFTER = env.int("WORKBOOK_STOPPED_AFTER", default=120)
# How long a confirmation made in the request waits for another import being written (seconds)
# before it is refused; the task worker waits as long as needed.
WORKBOOK_LOCK_WAIT = env.int("WORKBOOK_LOCK_WAIT", default=10)
# Every request but the workbook upload: 1 MB in all, attached files included (core.body_limit).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT")
# A monitor on the server itself asks http://127.0.0.1:8000/healthz in plain HTTP (core/health.py).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env("SECURE_HSTS_SECONDS")
SECURE_HSTS_INCLUDE_SUBDOMAINS = env("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env("SECURE_HSTS_PRELOAD")
# Only behind a reverse proxy that terminates HTTPS and sets X-Forwarded-Proto itself: anyone else
# could send the header and pass a plain HTTP request for a secure one.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env("TRUST_X_FORWARDED_PROTO") else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts, styles, fonts and images only from the site
# itself (htmx, Bootstrap and Chart.js are vendored in static/vendor), no inline script, style
# or event handler anywhere, and no other site may frame a page or receive a form.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# Permissions-Policy (django-permissions-policy): no page needs any of these browser features.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# A session ends after SESSION_IDLE_MINUTES without a request, and when the browser closes.
# core.sessions.IdleSessionMiddleware moves its expiry on at most once a minute (not
# SESSION_SAVE_EVERY_REQUEST, which would write the session table on every page).
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
if SESSION_IDLE_MINUTES < 2:
    raise ImproperlyConfigured("SESSION_IDLE_MINUTES must be at least 2.")
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_REFRESH_SECONDS = 60

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
