"""Django settings of the reference service: a stock `startproject` layout (default middleware,
so APPEND_SLASH redirects and session-varying HTML pages behave as in production) with DRF's
JSON and browsable renderers, OAuth2 (django-oauth-toolkit) and Token authentication.

USE_TZ is off: the Datawiz documents show naive datetimes (specs/decisions/datawiz.md #19)."""

import os
from pathlib import Path

from tests.drf_reference.resources import authentication_classes

LIST_ERRORS_AS_DICT = "MOCKSERVER_REFERENCE_LIST_ERRORS_AS_DICT"
# 1: DRF's own OrderingFilter, so SQLite's NULL order (first ascending, last descending) shows,
# as on a deployment on SQLite or MySQL (a profile's null_ordering "first").
NULLS_FIRST = "MOCKSERVER_REFERENCE_NULLS_FIRST"
# A number: every list's PageNumberPagination.max_page_size (a deployment that caps pages lower
# than the spec's max_page_size: a profile's max_page_size).
MAX_PAGE_SIZE = "MOCKSERVER_REFERENCE_MAX_PAGE_SIZE"
REFERENCE_MAX_PAGE_SIZE = int(os.environ.get(MAX_PAGE_SIZE) or 0) or None
# 1: DRF's BasicAuthentication first, so every 401 challenges `Basic realm="api"` (a profile's
# auth_challenge), the spec's classes after it.
BASIC_FIRST = "MOCKSERVER_REFERENCE_BASIC_FIRST"

DATA_DIR = Path(os.environ.get("DRF_REFERENCE_DATA", "/tmp/drf-reference"))

SECRET_KEY = "drf-reference-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = False
ROOT_URLCONF = "tests.drf_reference.urls"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
STATIC_URL = "static/"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "oauth2_provider",
    "tests.drf_reference",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
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
            ]
        },
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "reference.sqlite3")}}

REST_FRAMEWORK = {
    # The classes of the spec's security schemes, first scheme first (its challenge is DRF's
    # WWW-Authenticate); HTTP Signatures have no stock DRF class and are not compared.
    "DEFAULT_AUTHENTICATION_CLASSES": (
        ["rest_framework.authentication.BasicAuthentication"] if os.environ.get(BASIC_FIRST) == "1" else []
    )
    + authentication_classes(),
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter"
        if os.environ.get(NULLS_FIRST) == "1"
        else "tests.drf_reference.database.NullsAsPostgreSQL",
    ],
    # DRF 3.18 answers a list's errors as {"index": errors}; the services answer (and the published
    # client reads) the list form aligned with the input, DRF's default before 3.18 and still a setting.
    # LIST_ERRORS_AS_DICT=1 sets it DRF 3.18's way (a deployment calibrate must tell apart).
    "LIST_SERIALIZER_ERRORS_AS_DICT": os.environ.get(LIST_ERRORS_AS_DICT) == "1",
}
OAUTH2_PROVIDER = {
    "SCOPES": {"read": "Read data", "write": "Upload data"},
    "ACCESS_TOKEN_EXPIRE_SECONDS": 36000,
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
