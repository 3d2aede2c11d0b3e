"""A real Django REST Framework service built from the same specs as the fake: the oracle of the
differential test (tests/drf_reference/test_differential.py, docs/fidelity.md).

Pinned in pyproject.toml's `test` extras (and checked at start-up by `serve.py`):
Django 5.2.19, djangorestframework 3.18.3, django-oauth-toolkit 3.4.1. A second, older pair,
installed by the test itself (older_pair.py): DRF 3.14.0, the last before 3.15 changed the 404
text, the OPTIONS of decimals and SearchFilter, on Django 4.2 LTS and django-oauth-toolkit 2.4.
"""

DJANGO_VERSION = "5.2.19"
DRF_VERSION = "3.18.3"
DOT_VERSION = "3.4.1"

OLDER_PAIR = {
    "Django": "4.2.30",
    "djangorestframework": "3.14.0",
    "django-oauth-toolkit": "2.4.0",
    "pytz": "2026.6",  # a dependency of DRF 3.14 only
}
# (Django, DRF, django-oauth-toolkit) the reference may run on
PAIRS = (
    (DJANGO_VERSION, DRF_VERSION, DOT_VERSION),
    (OLDER_PAIR["Django"], OLDER_PAIR["djangorestframework"], OLDER_PAIR["django-oauth-toolkit"]),
)
