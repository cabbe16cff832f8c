"""Settings, all from the environment (12-factor).

Defaults give the embedded mode: a SQLite file and Celery tasks run in-process.
Production sets DATABASE_URL (PostgreSQL), CELERY_BROKER_URL and CACHE_URL (Redis) and
DJANGO_SECRET_KEY; DEBUG is off unless DJANGO_DEBUG is set (``make run`` sets it).
"""

import secrets
from pathlib import Path

import environ
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    # Management commands (migrations, imports, jobs) run without one; the web server refuses
    # to start without it (distribution/wsgi.py), so sessions never hang on a per-process key.
    SECRET_KEY = "insecure-local-development-key-only" if DEBUG else secrets.token_urlsafe(50)  # noqa: S105
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    # django-unfold: the admin's theme, before django.contrib.admin so its templates win (STYLE.md)
    "unfold.apps.BasicAppConfig",  # its site is core.admin_site's (below)
    "unfold.contrib.filters",
    "unfold.contrib.forms",
    "unfold.contrib.import_export",
    "unfold.contrib.simple_history",
    "core.admin_site.CheckedKeysAdminConfig",  # django.contrib.admin, its site checking ids (core.admin_site)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our own static files (no CDN)
    "csp",
    "django_celery_beat",
    "import_export",
    "simple_history",
    "django_htmx",
    "axes",
    # The service's apps, lowest layer first: each imports only the ones above it in this list
    # (`make lint` checks it; see the README's folder table).
    "accounts",
    "core",
    "cycles",
    "pricing",
    "retailers",
    "orders",
    "stock",
    "compliance",
    "tiers",
    "demand",
    "allocation",
    "service_requests",
    "surveys",
    "inventory",
    "profitability",
    "customer_value",
    "portal",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",  # django-csp's, the policy built once
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.SessionIdleMiddleware",  # a staff session lasts from its last request
    "accounts.middleware.LoginRateLimitMiddleware",  # login forms: attempts per client address
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.BadParameterMiddleware",  # a refused ?param= is a 400 page naming it (core/params.py)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "distribution.urls"
WSGI_APPLICATION = "distribution.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Persistent connections: CONN_MAX_AGE=0 made the API ~7x slower here.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 30
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "accounts.backends.RoleBackend"]

# Lock-out after repeated failures (django-axes): counted per login name *and* client address,
# whether or not the name exists (the answer never tells which license numbers are real), so a
# stranger's failures pause a name only from the stranger's address and never from its owner's.
# Guessing across many names from one address is held by the per-address rate limit on every login
# form and the token endpoint (`login` throttle rate, `accounts.throttling`). Each lock and unlock is
# audited; a supervisor unlocks in the admin (账户 → 登录锁定), a manager's password reset unlocks its
# retailer (`core.lockouts`).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "portal/locked_out.html"
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False  # the project's own, audited (core/admin_lockouts.py)
# Reverse proxies in front of the web server (nginx: 1): the client's address is then read from
# X-Forwarded-For, counted from the right. 0 (default): REMOTE_ADDR, the header is ignored.
TRUSTED_PROXIES = env.int("DJANGO_TRUSTED_PROXIES", default=0)
LOGIN_RATE_LIMITED_VIEWS = ["portal:login", "admin:login"]  # URL names of the login forms
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
# Numbers with thousands separators in Chinese too (`floatformat:"g"`, `intcomma`): distribution/formats.
FORMAT_MODULE_PATH = ["distribution.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")  # filled by `collectstatic`
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.CachedTokenAuthentication",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"login": env("LOGIN_RATE", default="20/min")},  # per client address
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Retail distribution API",
    "VERSION": "1.0.0",
    # The schema and its docs only for a logged-in user; Swagger UI from our static files.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Cache (retailers' resolved quotas, sessions): Redis in production, process memory when embedded.
CACHE_URL = env("CACHE_URL", default="")
CACHES = {
    "default": (
        {"BACKEND": "core.cache.SharedClientRedisCache", "LOCATION": CACHE_URL, "TIMEOUT": 8 * 24 * 3600}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 50_000}}
    )
}
CACHES["local"] = {"BACKEND": "core.cache.ProcessObjectCache", "LOCATION": "local"}  # objects kept as they are
# Sessions are kept on the server (accounts/sessions/), so logging out ends one at once and a
# password change or a manager's reset ends all of a login's: rows in the database, with a copy in
# Redis when CACHE_URL is set (read with the phone page's other keys in one round trip).
SESSION_ENGINE = "accounts.sessions.cached_db" if CACHE_URL else "accounts.sessions.db"
SESSION_COOKIE_AGE = 30 * 24 * 3600  # retailers stay logged in on their phones for a month
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_MINUTES", default=60) * 60  # managers, supervisors

# Celery: unset broker = tasks run eagerly in-process (embedded mode).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task is acknowledged when it ends, not on receipt: a worker killed mid-task (SIGKILL, out of
# memory) leaves its message to be sent again. Where the pool process died and the worker lives,
# the task is retried after its `default_retry_delay`, at most `max_retries` times (no endless loop
# on a task that kills its worker); else (retry not sendable) it is requeued. Every task is
# idempotent (docs: README "Jobs").
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_RETRY_ON_WORKER_LOST = True
CELERY_TASK_SOFT_TIME_LIMIT = 30 * 60
CELERY_TASK_TIME_LIMIT = 35 * 60
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ROUTES = {"allocation.*": {"queue": "allocation"}}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Job runs: a working job stamps its Run every RUN_HEARTBEAT_SECONDS; a run with no stamp for
# RUN_STALE_AFTER_SECONDS is failed (its worker is gone) by the `runs_fail_stale` beat entry (every
# minute) and before a new run of its job is refused: a dead worker's run is failed within 5 minutes.
RUN_HEARTBEAT_SECONDS = env.float("RUN_HEARTBEAT_SECONDS", default=30.0)
RUN_STALE_AFTER_SECONDS = env.float("RUN_STALE_AFTER_SECONDS", default=240.0)
# A run opened by a page and queued for a worker (an import handed to the background) is not stamped
# until a worker takes it: it is failed only after waiting this long (the broker's visibility timeout,
# after which the broker would hand the task out again).
RUN_QUEUED_STALE_AFTER_SECONDS = env.float("RUN_QUEUED_STALE_AFTER_SECONDS", default=2 * 60 * 60)
# How long a job waits for the broker before it gives up with a plain message (fan-out at start).
BROKER_CHECK_TIMEOUT_SECONDS = env.float("BROKER_CHECK_TIMEOUT_SECONDS", default=3.0)

# Import files larger than this many rows run as a Celery task with progress.
IMPORT_ASYNC_ROW_THRESHOLD = env.int("IMPORT_ASYNC_ROW_THRESHOLD", default=5000)
# Allocation: plan lines per worker task; the nightly run fans out over workers when a broker is set.
ALLOCATION_GROUP_SIZE = env.int("ALLOCATION_GROUP_SIZE", default=25)
ALLOCATION_FAN_OUT = env.bool("ALLOCATION_FAN_OUT", default=bool(CELERY_BROKER_URL))
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

if not DEBUG:
    SESSION_COOKIE_HTTPONLY = True
    CSRF_COOKIE_HTTPONLY = False
    X_FRAME_OPTIONS = "DENY"
    SECURE_CONTENT_TYPE_NOSNIFF = True

# HTTPS: served over TLS, set DJANGO_HTTPS=1 (plain HTTP to https, cookies only over HTTPS, HSTS for a
# year with subdomains and preload); each setting can also be set on its own. Behind a proxy that
# ends TLS, the proxy sets X-Forwarded-Proto and DJANGO_SECURE_PROXY_SSL_HEADER=1 trusts it.
HTTPS = env.bool("DJANGO_HTTPS", default=False)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's probe may come over plain HTTP
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=HTTPS)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=HTTPS)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=HTTPS)
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Content-Security-Policy (django-csp): our own scripts only (no inline script; the one inline handler
# allowed by hash is django-import-export's "select all" on its export page), inline styles (the
# pages' and the SVG charts' <style>), pictures from us or data: URLs, no framing, no plugins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-hashes'", "'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# The admin's theme (django-unfold 0.91): the sidebar grouped by job, the index a dashboard per role,
# the language switch in the header.
UNFOLD = {
    "SITE_TITLE": _("Retailer guidance"),
    "SITE_HEADER": _("Retailer guidance service"),
    "SITE_SYMBOL": "storefront",
    "SHOW_LANGUAGES": True,
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "DASHBOARD_CALLBACK": "distribution.admin_dashboard.dashboard",
    "STYLES": [lambda request: static("core/admin_pages.css")],
    "SIDEBAR": {"show_search": True, "show_all_applications": False, "navigation": "distribution.admin_navigation.navigation"},
    "COLORS": {
        "primary": {
            "50": "oklch(97.9% .021 166.113)",
            "100": "oklch(95% .052 163.051)",
            "200": "oklch(90.5% .093 164.15)",
            "300": "oklch(84.5% .143 164.978)",
            "400": "oklch(76.5% .177 163.223)",
            "500": "oklch(69.6% .17 162.48)",
            "600": "oklch(59.6% .145 163.225)",
            "700": "oklch(50.8% .118 165.612)",
            "800": "oklch(43.2% .095 166.913)",
            "900": "oklch(37.8% .077 168.94)",
            "950": "oklch(26.2% .051 172.552)",
        },
    },
}

# The admin (django-unfold) runs Alpine.js, which needs the Function constructor: its pages only.
ADMIN_PATH_PREFIX = "/admin/"
CONTENT_SECURITY_POLICY_ADMIN_UPDATE = {"script-src": ["'unsafe-eval'"]}

# Exports offered on every admin list.
from import_export.formats.base_formats import CSV, XLSX  # noqa: E402

EXPORT_FORMATS = [CSV, XLSX]

# The nightly jobs, in the order they must run: (name, dotted path of a service that takes no
# arguments and returns a dict of counts). `core.nightly` runs them, each as its own tracked Run.
NIGHTLY_JOBS = [
    ("cycles_roll", "cycles.services.cycles_roll"),
    ("compliance_standing", "compliance.services.compliance_standing_refresh"),
    ("allocation_nightly", "allocation.services.allocation_nightly"),
    ("inventory_advice", "inventory.services.inventory_advice_nightly"),
    ("profit_figures", "profitability.services.profit_figures_nightly"),
    ("requests_escalate", "service_requests.services.requests_escalate"),
    ("surveys_close", "surveys.services.surveys_close_due"),
    ("customer_value", "customer_value.services.customer_value_nightly"),
]

# The beat's entries (`manage.py sync_schedules` creates the missing ones; Asia/Shanghai crontabs).
# `label`: the entry's name in words on the beat's pages (the name stays the code the sync looks it up by).
BEAT_SCHEDULES = [
    {"name": "nightly", "label": _("Nightly jobs"), "task": "core.nightly", "minute": "30", "hour": "1"},
    {
        "name": "runs_fail_stale", "label": _("Fail the runs without a sign of life"), "task": "core.runs_fail_stale",
        "minute": "*", "hour": "*", "expires_seconds": 50,
    },
    {
        "name": "classify_monthly", "label": _("Monthly tier classification"), "task": "tiers.classify",
        "minute": "0", "hour": "3", "day_of_month": "1", "expires_seconds": 20 * 60 * 60,
    },
    # An unanswered request escalates within the hour its answer time runs out (the nightly job too).
    {
        "name": "requests_escalate", "label": _("Escalate overdue requests"), "task": "service_requests.escalate",
        "minute": "5", "hour": "*", "expires_seconds": 50 * 60,
    },
]  # fmt: skip
# The Celery tasks in words (the beat's pages offer them by these; core.labels.task_label).
TASK_LABELS = {
    "core.nightly": _("Nightly jobs"),
    "core.runs_fail_stale": _("Fail the runs without a sign of life"),
    "core.import_file": _("Import a file"),
    "core.ping": _("Check that a worker answers"),
    "tiers.classify": _("Tier classification"),
    "service_requests.escalate": _("Escalate overdue requests"),
    "allocation.group": _("Allocation: one group of plan lines"),
    "allocation.finish": _("Allocation: finish the run"),
}

# The words for the codes job runs and audit entries store (core.labels reads them; a code without a
# word here is read through the catalog with its underscores as spaces).
JOB_LABELS = {
    "nightly": _("Nightly jobs"),
    "cycles_roll": _("Roll the order cycles"),
    "compliance_standing": _("Price-tag standing"),
    "allocation": _("Allocation"),
    "allocation_nightly": _("Nightly allocation"),
    "inventory_advice": _("Inventory advice"),
    "profit_figures": _("Profitability figures"),
    "requests_escalate": _("Escalate overdue requests"),
    "surveys_close": _("Close due survey waves"),
    "customer_value": _("Customer value"),
    "classify": _("Tier classification"),
    "classify_retailers": _("Tier classification"),
    "seed_demo": _("Build the demo city"),
    "import_customers": _("Import: customers"),
    "import_assignments": _("Import: manager assignments"),
    "import_products": _("Import: products"),
    "import_orders": _("Import: orders"),
    "import_stock": _("Import: stock counts"),
    "import_supply_plan": _("Import: supply plan"),
}
AUDIT_ACTION_LABELS = {
    "allocation.exception": _("Quota exception"),
    "allocation.publish": _("Allocation published"),
    "allocation.start": _("Allocation run started by hand"),
    "demand.report": _("Demand reported"),
    "login.locked": _("Login locked"),
    "login.unlocked": _("Login unlocked"),
    "request.answer": _("Request answered"),
    "request.escalate": _("Request escalated"),
    "request.file": _("Request filed"),
    "request.follow_up": _("Request followed up"),
    "request.rate": _("Request rated"),
    "request.resolve": _("Request resolved"),
    "retailer.assign_manager": _("Manager assigned"),
    "retailer.login_reset": _("Retailer login reset"),
    "run.mark_failed": _("Run marked failed"),
    "run.stale": _("Run failed (no sign of life)"),
    "survey_answered": _("Survey answered"),
    "survey_questionnaire_copied": _("Questionnaire copied"),
    "survey_questionnaire_created": _("Questionnaire created"),
    "survey_wave_closed": _("Survey wave closed"),
    "survey_wave_opened": _("Survey wave opened"),
    "tier.override": _("Tier overridden"),
    "tiers.publish": _("Tier proposal published"),
    "tiers.start": _("Re-rating started by hand"),
}
AUDIT_OBJECT_LABELS = {
    "allocation_run": _("allocation run"),
    "login": _("login"),
    "retailer": _("retailer"),
    "run": _("job run"),
    "service_request": _("request"),
    "survey_questionnaire": _("questionnaire"),
    "survey_wave": _("survey wave"),
    "tier_proposal": _("tier proposal"),
}

# The words for the keys of a run's counts and parameters (core.labels.run_counts_words): "*" for every
# job, a job's own words over them (a cycle roll's "created" is cycles, an import's rows). A key without
# a word here is read through the catalog with its underscores as spaces.
RUN_COUNT_LABELS = {
    "*": {
        "rows": _("Rows"),
        "retailers": _("Retailers"),
        "weeks": _("Weeks"),
        "weekly_rows": _("Weekly rows read"),
        "created": _("Created"),
        "updated": _("Updated"),
        "unchanged": _("Unchanged"),
        "closed": _("Closed"),
        "row_errors": _("Problems in the file"),
        "row_error_count": _("Problems found"),
        "products": _("Products"),
        "managers": _("Customer managers"),
        "orders": _("Order lines"),
        "cycles": _("Order cycles"),
        "ups": _("Retailers moving up"),
        "downs": _("Retailers moving down"),
        "proposal": _("Tier proposal no."),
        "lines": _("Supply plan lines"),
        "cells": _("Allocation cells"),
        "target": _("Target (cartons)"),
        "released": _("Released (cartons)"),
        "repeat_violators": _("Repeat violators"),
        "kpi_rows": _("Cycle figures computed"),
        "runs": _("Allocation runs started"),
        "status_1": _("Slow-moving rows"),
        "status_2": _("Short rows"),
        "status_3": _("Healthy rows"),
        "status_4": _("Over-stocked rows"),
        "status_5": _("Rows needing a count"),
        "diversion_alerts": _("Diversion alerts"),
        "figures": _("Figures written"),
        "alerts": _("Alerts raised"),
        "escalated": _("Requests escalated"),
        "waves_closed": _("Survey waves closed"),
        "risk_at_visit_level": _("Risk at the visit-list level or above"),
        "with_orders": _("With order figures"),
        "with_alerts": _("With profitability alerts"),
        "with_requests": _("With requests or complaints"),
        "with_satisfaction": _("With a satisfaction score"),
        "signals_missing": _("Signals with no data"),
        "note": _("Note"),
        # parameters
        "as_of": _("as of"),
        "scheme": _("Classification scheme no."),
        "file": _("File"),
        "seed": _("Random seed"),
    },
    "cycles_roll": {"created": _("Cycles created"), "closed": _("Cycles closed")},
    "inventory_advice": {"rows": _("Advice rows")},
    "seed_demo": {"retailers": _("Retailers"), "products": _("Products"), "weeks": _("Weeks")},
}
# The words for the coded values some counts keep (a comma-separated list of codes, or one code).
RUN_COUNT_VALUE_LABELS = {
    "signals_missing": {
        "none": _("none"),
        "orders": _("falling orders"),
        "alerts": _("profitability alerts"),
        "requests": _("requests and complaints"),
        "satisfaction": _("satisfaction survey"),
    },
}

# What `manage.py import_data KIND` and the admin's import page read: kind → Importer class.
IMPORTERS = {
    "customers": "retailers.imports.CustomerImporter",
    "assignments": "retailers.imports.AssignmentImporter",
    "products": "pricing.imports.ProductImporter",
    "orders": "orders.imports.OrderImporter",
    "stock": "stock.imports.StockImporter",
    "supply_plan": "allocation.imports.SupplyPlanImporter",
}
