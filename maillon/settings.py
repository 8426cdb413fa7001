"""Settings, read from the environment with defaults that run on a laptop.

Production overrides come from environment variables (see docs/operations.md);
nothing secret lives in the repository.
"""

import os
import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def local_secret_key(path: Path) -> str:
    """The secret key of this machine: read from `path`, generated there the first time
    (random, readable by its owner only). Several processes may start at once (the site,
    the worker, the scheduler, test workers): the key is written to a file of its own, then
    linked into place, which never replaces a key already there; all read the same one."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(50) + "\n")
            os.link(draft, path)
        except FileExistsError:
            pass  # another process was first: its key is the one
        finally:
            draft.unlink(missing_ok=True)
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 50:
        raise ImproperlyConfigured(f"La clé secrète locale {path} est trop courte : supprimez le fichier.")
    return key


# Off unless asked for (DJANGO_DEBUG=1, for developers): `make run` serves the product's own
# error pages and its static files through WhiteNoise, as in production.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
# Production sets DJANGO_SECRET_KEY (the same on every app server); on one's own machine, a key
# generated once under var/ (never in the repository). A deployment (it names its hosts) that
# forgot the key would sign its links with a key of each server: refused at start.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY and "DJANGO_ALLOWED_HOSTS" in os.environ and not DEBUG:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY doit être défini en production (DJANGO_ALLOWED_HOSTS l'est) : la même clé "
        "sur tous les serveurs d'application, sinon sessions et liens signés ne valent que sur l'un."
    )
SECRET_KEY = SECRET_KEY or local_secret_key(VAR_DIR / "secret-key")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "maillon.www.errors.csrf_failure"
# The one source of the links in messages (core.notifications.sending.absolute) and of the demo
# credentials' `site`; `make run PORT=…` sets it to that port.
SITE_URL = env.str("MAILLON_SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "dsfr",
    "django.forms",  # after dsfr, so its widget templates win
    "widget_tweaks",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "maillon.core",
    "maillon.core.notifications",
    "maillon.territories",
    "maillon.organisations",
    "maillon.members",
    "maillon.governance",
    "maillon.meetings",
    "maillon.contracts",
    "maillon.creation",
    "maillon.mt",
    "maillon.snp",
    "maillon.crisis",
    "maillon.crisis_response",
    "maillon.pathways",
    "maillon.prevention",
    "maillon.discussions",
    "maillon.quality",
    "maillon.support",
    "maillon.www",
    "maillon.api",
    "maillon.demo",
]

MIDDLEWARE = [
    "maillon.core.middleware.RejectNulBytesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTTP defences (issue 19), after WhiteNoise: static files are public and hold no nonce.
    "maillon.core.middleware.PermissionsPolicyMiddleware",
    "maillon.core.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    # 413 for a body too large, before anything reads it (issue 19, uploads).
    "maillon.core.middleware.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "maillon.core.middleware.SessionExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "maillon.core.middleware.ActorMiddleware",
    "maillon.core.middleware.LoginRequiredMiddleware",
    "maillon.core.middleware.CurrentCptsMiddleware",
    "maillon.www.errors.TransitionConflictMiddleware",
]

ROOT_URLCONF = "maillon.urls"
WSGI_APPLICATION = "maillon.wsgi.application"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "maillon.www.context_processors.navigation",
            ],
            "string_if_invalid": env.str("DJANGO_TEMPLATE_INVALID", default=""),
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'maillon.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for the write lock instead of failing at once under concurrent writes.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my_home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The territory editor posts one field per commune: room for the largest territories.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3  # invitations and resets: 3 days
OTP_TOTP_ISSUER = "Maillon"

# OpenID Connect (e.g. Pro Santé Connect): enabled when a client id is configured.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid scope_all")
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="Pro Santé Connect")
OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": env.str("OIDC_ACR_VALUES", default="eidas1")}
# The levels accepted back in the ID token's `acr` claim (strong authentication only).
OIDC_ACCEPTED_ACR = env.list("OIDC_ACCEPTED_ACR", default=["eidas1"])
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("maillon.core.oidc.ProSanteConnectBackend")
    INSTALLED_APPS.append("mozilla_django_oidc")

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# Uploaded files (founding documents…): served only through views that check rights,
# never by a public URL; on several app servers, a shared volume or object storage.
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "/fichiers-non-publics/"

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=VAR_DIR / "static")
# WhiteNoise warns (an error in tests) when the folder is missing on a fresh clone.
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [("vendor", BASE_DIR / "node_modules")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# Where the file-based backend (`make run`) writes each e-mail, one file per message.
EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=VAR_DIR / "mails")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Maillon <ne-pas-repondre@maillon.invalid>")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("DJANGO_BEHIND_PROXY", False) else None

# Logs hold no personal data: no request bodies, no query strings, no link tokens
# (maillon/core/logs.py). At most one line per request (runserver's access line; a 4xx is
# not logged twice by django.request) and one per task run (django_tasks says when it ends).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_line": {"()": "maillon.core.logs.RequestLineFilter"},
        "task_finished_only": {"()": "maillon.core.logs.TaskFinishedOnlyFilter"},
        "error_path": {"()": "maillon.core.logs.ErrorPathFilter"},
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "loggers": {
        "django.server": {
            "handlers": ["django.server"],
            "filters": ["request_line"],
            "level": "INFO",
            "propagate": False,
        },
        "django.request": {"level": "ERROR", "filters": ["error_path"]},
        "django_tasks": {"filters": ["task_finished_only"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# --- Domain settings (DOMAIN.md): values marked "to confirm" there are settings. ---
# Minimum population of tailles 2, 3 and 4. The owner of exactly 80 000 is not
# stated by the texts: taille 3 by default (set the second value to 80 001 for 2).
MAILLON_TAILLE_MINIMUMS = env.list("MAILLON_TAILLE_MINIMUMS", cast=int, default=[40_000, 80_000, 175_001])
# Audit journal retention, in months, before the scheduled purge removes entries.
# Imports (maillon/core/imports): limits checked while a file is read, before any large allocation.
MAILLON_IMPORT_MAX_BYTES = env.int("MAILLON_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
MAILLON_IMPORT_MAX_ROWS = env.int("MAILLON_IMPORT_MAX_ROWS", default=20_000)
MAILLON_IMPORT_MAX_COLUMNS = env.int("MAILLON_IMPORT_MAX_COLUMNS", default=100)
MAILLON_IMPORT_MAX_CELLS = env.int("MAILLON_IMPORT_MAX_CELLS", default=1_000_000)
MAILLON_IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("MAILLON_IMPORT_MAX_UNCOMPRESSED_BYTES", default=100 * 1024 * 1024)
MAILLON_JOURNAL_RETENTION_MONTHS = env.int("MAILLON_JOURNAL_RETENTION_MONTHS", default=12)
# Contour simplification tolerance (degrees) at commune import.
MAILLON_CONTOUR_TOLERANCE = env.float("MAILLON_CONTOUR_TOLERANCE", default=0.0008)
# Seed of the demo region, so the demo is the same on every machine.
MAILLON_DEMO_SEED = env.int("MAILLON_DEMO_SEED", default=2026)
# Publisher of this instance, shown on the legal pages (Maillon is run by whoever deploys it).
MAILLON_PUBLISHER_NAME = env.str("MAILLON_PUBLISHER_NAME", default="L'organisme qui exploite cette instance de Maillon")
MAILLON_PUBLISHER_ADDRESS = env.str("MAILLON_PUBLISHER_ADDRESS", default="")
MAILLON_PUBLISHER_EMAIL = env.str("MAILLON_PUBLISHER_EMAIL", default="")
MAILLON_PUBLICATION_DIRECTOR = env.str("MAILLON_PUBLICATION_DIRECTOR", default="")
MAILLON_HOST_NAME = env.str("MAILLON_HOST_NAME", default="")
MAILLON_HOST_ADDRESS = env.str("MAILLON_HOST_ADDRESS", default="")
# Contact of the data protection officer (DPO); the publisher's e-mail when empty.
MAILLON_DPO_EMAIL = env.str("MAILLON_DPO_EMAIL", default="")
# Where the source code of this instance is published (AGPL-3.0: users may get it).
MAILLON_SOURCE_URL = env.str("MAILLON_SOURCE_URL", default="")
# Date of the accessibility declaration (ISO, YYYY-MM-DD), to renew at each audit.
MAILLON_ACCESSIBILITY_DECLARATION_DATE = env.str("MAILLON_ACCESSIBILITY_DECLARATION_DATE", default="2026-11-23")
# Lifetime (seconds) of the e-mailed link that lets an account without a second factor enrol one.
MAILLON_TOTP_ENROLMENT_LINK_TIMEOUT = env.int("MAILLON_TOTP_ENROLMENT_LINK_TIMEOUT", default=60 * 60)
# Yearly cap of the indemnities paid to one member: the plafond annuel de la Sécurité
# sociale, year → euros (JSON in the environment). A year absent uses the latest known
# value, shown "à confirmer" (DOMAIN.md §1: 43 992 € in 2023, to confirm).
MAILLON_ANNUAL_INDEMNITY_CAP = env.json("MAILLON_ANNUAL_INDEMNITY_CAP", default={2023: 43_992})

# ACI contract: how many days ahead a mission deadline or a crisis-plan due date is flagged.
MAILLON_DUE_WARNING_DAYS = env.int("MAILLON_DUE_WARNING_DAYS", default=60)

# Médecin traitant desk (mission 1): days a proposal waits for the doctor's answer before it
# expires; how long a patient's private link stays valid; days a closed registration is
# kept before its personal data is deleted (DOMAIN.md §7: health data).
MAILLON_MT_PROPOSAL_EXPIRY_DAYS = env.int("MAILLON_MT_PROPOSAL_EXPIRY_DAYS", default=15)
MAILLON_MT_LINK_MAX_AGE_DAYS = env.int("MAILLON_MT_LINK_MAX_AGE_DAYS", default=180)
MAILLON_MT_RETENTION_DAYS = env.int("MAILLON_MT_RETENTION_DAYS", default=365)
# Hour (Europe/Paris) at which the scheduler enqueues the desk's daily work (core.scheduler).
MAILLON_MT_DAILY_HOUR = env.int("MAILLON_MT_DAILY_HOUR", default=6)
# Same-day care (SNP): minutes before an unanswered duty-list request goes to the coordinator;
# the search radius where the SAS's table has none (Mayotte, Guyane); how long requests are
# kept after their appointment; FHIR slot search calls allowed per SAS client and minute.
MAILLON_SNP_DUTY_ESCALATION_MINUTES = env.int("MAILLON_SNP_DUTY_ESCALATION_MINUTES", default=30)
MAILLON_SNP_DEFAULT_SEARCH_RADIUS_KM = env.int("MAILLON_SNP_DEFAULT_SEARCH_RADIUS_KM", default=30)
MAILLON_SNP_DEFAULT_SEARCH_STEP_KM = env.int("MAILLON_SNP_DEFAULT_SEARCH_STEP_KM", default=15)
MAILLON_SNP_RETENTION_DAYS = env.int("MAILLON_SNP_RETENTION_DAYS", default=90)
# The search widens until it has this many slots, at most this many steps.
MAILLON_SNP_SEARCH_ENOUGH = env.int("MAILLON_SNP_SEARCH_ENOUGH", default=5)
MAILLON_SNP_SEARCH_MAX_STEPS = env.int("MAILLON_SNP_SEARCH_MAX_STEPS", default=4)
MAILLON_SNP_FHIR_RATE_PER_MINUTE = env.int("MAILLON_SNP_FHIR_RATE_PER_MINUTE", default=120)
# The SMS provider of every message (console in development); hours a crisis acknowledgement link lives.
MAILLON_SMS_BACKEND = env.str("MAILLON_SMS_BACKEND", default="maillon.core.notifications.sms.ConsoleSmsBackend")
# Where FileSmsBackend (`make run`) writes each SMS, one file per message.
MAILLON_SMS_FILE_PATH = env.path("MAILLON_SMS_FILE_PATH", default=VAR_DIR / "sms")
# The shared secret of `POST /sms/inbound` (the provider signs each reply with HMAC-SHA256);
# empty: the endpoint refuses everything (403).
MAILLON_SMS_INBOUND_SECRET = env.str("MAILLON_SMS_INBOUND_SECRET", default="")
MAILLON_CRISIS_ACK_LINK_HOURS = env.int("MAILLON_CRISIS_ACK_LINK_HOURS", default=72)

# Background tasks (Django's tasks API, backport): e-mails and scheduled jobs run in
# `manage.py db_worker` processes, as many as wanted, sharing the database queue. Tests
# run them inline (ImmediateBackend).
TASKS = {"default": {"BACKEND": env.str("MAILLON_TASK_BACKEND", default="django_tasks_db.DatabaseBackend")}}

# Care pathways (mission 2): days a closed inclusion (its identity, consent and care team) is
# kept before it is deleted. The medical file stays with the professionals and the regional
# e-parcours tool; the CPTS keeps only what it needs to coordinate (docs/pathways.md).
MAILLON_PATHWAYS_RETENTION_DAYS = env.int("MAILLON_PATHWAYS_RETENTION_DAYS", default=365)

# Prevention (mission 3): days after a public session its registrants' names, e-mails and
# phones are erased (their age band, sex and attendance stay, for the counts).
MAILLON_PREVENTION_REGISTRANT_RETENTION_DAYS = env.int("MAILLON_PREVENTION_REGISTRANT_RETENTION_DAYS", default=30)

# Support (mission 6): days an application to a placement (the applicant's name, address, school,
# message) is kept once answered — or, unanswered, once its placement has ended; and days after
# their departure a housing booking keeps its occupant's name (docs/support.md).
MAILLON_SUPPORT_APPLICATION_RETENTION_DAYS = env.int("MAILLON_SUPPORT_APPLICATION_RETENTION_DAYS", default=365)
MAILLON_SUPPORT_OCCUPANT_RETENTION_DAYS = env.int("MAILLON_SUPPORT_OCCUPANT_RETENTION_DAYS", default=365)

# Discussion spaces: how long an author may edit or delete their message, how long a message
# may be, how often an open topic asks for new messages.
MAILLON_DISCUSSION_EDIT_MINUTES = env.int("MAILLON_DISCUSSION_EDIT_MINUTES", default=15)
MAILLON_DISCUSSION_MAX_CHARACTERS = env.int("MAILLON_DISCUSSION_MAX_CHARACTERS", default=10000)
MAILLON_DISCUSSION_POLL_SECONDS = env.int("MAILLON_DISCUSSION_POLL_SECONDS", default=10)
# A refused request to join a regional group (names, address, answers) is erased after this.
MAILLON_DISCUSSION_SIGNUP_RETENTION_DAYS = env.int("MAILLON_DISCUSSION_SIGNUP_RETENTION_DAYS", default=30)

# Creating a CPTS (maillon/creation/). The ARS's start-up grant by région (INSEE code → euros),
# offered when the ARS records a grant: 15 000 € in Nouvelle-Aquitaine (seed 001); elsewhere the
# officer types the amount. Set as "75=15000,84=12000".
MAILLON_STARTUP_GRANT_BY_REGION = env.dict(
    "MAILLON_STARTUP_GRANT_BY_REGION", cast={"value": int}, default={"75": 15000}
)
# The most communes a lettre d'intention's draft territory may hold (the largest CPTS hold ~150).
MAILLON_LETTER_MAX_COMMUNES = env.int("MAILLON_LETTER_MAX_COMMUNES", default=400)
MAILLON_LETTER_MAX_PROMOTERS = env.int("MAILLON_LETTER_MAX_PROMOTERS", default=30)
# Once the ARS has decided, the promoters' follow-up link tells the outcome this long, then opens nothing.
MAILLON_LETTER_LINK_DAYS_AFTER_DECISION = env.int("MAILLON_LETTER_LINK_DAYS_AFTER_DECISION", default=90)
# Public registrations (and other public forms) accepted per address and hour.
MAILLON_PUBLIC_FORM_RATE_PER_HOUR = env.int("MAILLON_PUBLIC_FORM_RATE_PER_HOUR", default=20)

# --- Security (issue 19): tokens ---
# An API token lives this many days unless its owner chooses otherwise (a leaked token dies by itself).
MAILLON_API_TOKEN_DAYS = env.int("MAILLON_API_TOKEN_DAYS", default=90)
# The longest life an owner may choose for a token on the account page.
MAILLON_API_TOKEN_MAX_DAYS = env.int("MAILLON_API_TOKEN_MAX_DAYS", default=365)
# A platform admin's token would be superuser over the whole API: refused (cannot be created,
# an existing one authenticates nothing) unless this is on.
MAILLON_API_SUPERUSER_TOKENS = env.bool("MAILLON_API_SUPERUSER_TOKENS", default=False)

# --- Security (issue 19): throttle ---
# Login and second-factor failures (www/accounts_views/lockout.py), counted over a sliding hour.
# One client address (an IPv6 one by its /64) that fails this often, whatever the accounts, is
# refused until its oldest failure is an hour old: spraying many accounts from one address stops.
MAILLON_LOGIN_FAILURES_PER_ADDRESS_PER_HOUR = env.int("MAILLON_LOGIN_FAILURES_PER_ADDRESS_PER_HOUR", default=30)
# Failures of one account from one address before each new try there must wait; the wait
# starts at MAILLON_LOGIN_FIRST_DELAY_SECONDS and doubles with each failure, never beyond
# MAILLON_LOGIN_MAX_DELAY_SECONDS (a delay, never a lockout: the owner elsewhere is not slowed).
MAILLON_LOGIN_DELAY_AFTER_FAILURES = env.int("MAILLON_LOGIN_DELAY_AFTER_FAILURES", default=5)
MAILLON_LOGIN_FIRST_DELAY_SECONDS = env.int("MAILLON_LOGIN_FIRST_DELAY_SECONDS", default=15)
MAILLON_LOGIN_MAX_DELAY_SECONDS = env.int("MAILLON_LOGIN_MAX_DELAY_SECONDS", default=15 * 60)
# Failures of one account from all addresses together (a botnet) before every address waits the
# same doubling delay; the owner then gets an unlock link by e-mail (at most once an hour).
MAILLON_LOGIN_ACCOUNT_FAILURES_BEFORE_DELAY = env.int("MAILLON_LOGIN_ACCOUNT_FAILURES_BEFORE_DELAY", default=20)
# How long the unlock link lives (it serves once; a login or a new password kills it sooner).
MAILLON_UNLOCK_LINK_MINUTES = env.int("MAILLON_UNLOCK_LINK_MINUTES", default=30)
# Password reset: at most one e-mail per typed address in this window, whatever the number of
# requests (the page answers the same), and at most this many requests per client address an hour.
MAILLON_RESET_EMAIL_WINDOW_MINUTES = env.int("MAILLON_RESET_EMAIL_WINDOW_MINUTES", default=15)
MAILLON_RESET_REQUESTS_PER_ADDRESS_PER_HOUR = env.int("MAILLON_RESET_REQUESTS_PER_ADDRESS_PER_HOUR", default=10)
# POSTs authenticated by a signed link (crisis acknowledgement, withdrawal, unsubscription,
# cancellation) per client address and hour, per form: higher than MAILLON_PUBLIC_FORM_RATE_PER_HOUR
# since many people behind one address (a hospital's network) each answer their own link.
MAILLON_PUBLIC_LINK_RATE_PER_HOUR = env.int("MAILLON_PUBLIC_LINK_RATE_PER_HOUR", default=200)
# Bearer tokens refused (unknown, expired, revoked, wrong kind) per client address and sliding hour,
# on /api/v1/ and /fhir/ together (core/token_failures.py): past this, every bearer request from
# that address answers 429, a valid token's too, until its oldest failure is an hour old. Tokens
# that authenticate do not count.
MAILLON_API_TOKEN_FAILURES_PER_HOUR = env.int("MAILLON_API_TOKEN_FAILURES_PER_HOUR", default=60)

# --- Security (issue 19): http ---
# Content-Security-Policy (django-csp): scripts and styles only from this site or carrying the
# response's nonce (DSFR's scripts, the few <style> blocks); no inline script, no inline style
# attribute, no eval, no plugin, no <base>, never framed, forms post only here. Maps draw on a
# blank background (no tiles): an instance that adds a tile server names its host(s) in
# MAILLON_CSP_IMG_HOSTS. DSFR's stylesheets draw their icons with `data:` SVG images.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

MAILLON_CSP_IMG_HOSTS = env.list("MAILLON_CSP_IMG_HOSTS", default=[])
# Where browsers post their violation reports (empty: none are sent, the console shows them).
MAILLON_CSP_REPORT_URI = env.str("MAILLON_CSP_REPORT_URI", default="")
_csp_directives = {
    "default-src": [SELF],
    "script-src": [SELF, NONCE],
    "style-src": [SELF, NONCE],
    "img-src": [SELF, "data:", *MAILLON_CSP_IMG_HOSTS],
    "font-src": [SELF],
    "connect-src": [SELF],
    "object-src": [NONE],
    "base-uri": [NONE],
    "frame-ancestors": [NONE],
    "form-action": [SELF],
}
if MAILLON_CSP_REPORT_URI:
    _csp_directives["report-uri"] = [MAILLON_CSP_REPORT_URI]
# A first deployment may watch the policy without enforcing it (the browser reports, blocks nothing).
MAILLON_CSP_REPORT_ONLY = env.bool("MAILLON_CSP_REPORT_ONLY", default=False)
CONTENT_SECURITY_POLICY = None if MAILLON_CSP_REPORT_ONLY else {"DIRECTIVES": _csp_directives}
CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _csp_directives} if MAILLON_CSP_REPORT_ONLY else None
# What a page may use of the browser: nothing of these (no page asks for a position; « Trouver
# ma CPTS » searches by commune name or postal code). Sent by core.middleware.PermissionsPolicyMiddleware.
MAILLON_PERMISSIONS_POLICY = env.str(
    "MAILLON_PERMISSIONS_POLICY",
    default="camera=(), microphone=(), geolocation=(), payment=(), usb=()",
)

# HTTPS. HSTS is sent on HTTPS answers only (Django's SecurityMiddleware), one year, subdomains
# included, as soon as cookies are `Secure` (production; `make run` over plain http sets
# DJANGO_SECURE_COOKIES=0 and so sends none). `preload` consents to the browsers' preload list
# (the domain's owner still submits it, at hstspreload.org); an instance whose parent domain
# has subdomains without HTTPS turns it off (check --deploy then warns, W021: expected).
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if SESSION_COOKIE_SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=bool(SECURE_HSTS_SECONDS))
# Redirect http to https in the app (when the proxy does not already do it).
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
# Django's defaults, stated: no MIME sniffing, the referrer only to this site, never framed,
# a window opened from here shares nothing with its opener.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Sessions (core.middleware.SessionExpiryMiddleware). Every authenticated session ends after
# MAILLON_SESSION_IDLE_MINUTES without activity and MAILLON_SESSION_MAX_HOURS after the login,
# whatever the roles (most accounts reach health data, and a person's roles differ per CPTS).
# Activity is written to the session at most once a minute; the polling of open topics and
# crisis boards does not count as activity.
MAILLON_SESSION_IDLE_MINUTES = env.int("MAILLON_SESSION_IDLE_MINUTES", default=30)
MAILLON_SESSION_MAX_HOURS = env.int("MAILLON_SESSION_MAX_HOURS", default=12)
# The cookie and the stored session die with the absolute lifetime (Django's default was 14 days).
SESSION_COOKIE_AGE = MAILLON_SESSION_MAX_HOURS * 3600
# Database sessions whose clocks start at the login (with the login's own save).
SESSION_ENGINE = "maillon.core.sessions"

# --- Security (issue 19): journal ---
# Seal the journal's new entries (hash chain) in a short transaction right after each commit.
# Off, only `manage.py verify_journal --seal` (daily) and the retention purge seal them.
MAILLON_JOURNAL_SEAL_ON_COMMIT = env.bool("MAILLON_JOURNAL_SEAL_ON_COMMIT", default=True)

# --- Security (issue 19): uploads ---
# Bodies other than file uploads (JSON, form fields): Django's 2,5 Mo; above it, 413 at once
# (maillon.core.middleware.RequestSizeLimitMiddleware) and 413 when a body grows past it unannounced.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
# The files of one request, counted while they stream (maillon/core/upload_handlers.py): the largest
# legitimate upload, a message's five attachments at MAILLON_IMPORT_MAX_BYTES each (25 Mo; a
# prevention material is 20 Mo, a document 10 Mo). Each kind keeps its own, smaller limit.
MAILLON_UPLOAD_MAX_BYTES = env.int(
    "MAILLON_UPLOAD_MAX_BYTES", default=max(20 * 1024 * 1024, 5 * MAILLON_IMPORT_MAX_BYTES)
)
# The limit is counted before Django spools a byte to memory or to a temporary file.
FILE_UPLOAD_HANDLERS = [
    "maillon.core.upload_handlers.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
