"""A real Django REST Framework service built from the same specs as the fake: the oracle of the
differential test (tests/drf_reference/test_differential.py, docs/fidelity.md).

Pinned in pyproject.toml's `test` extras (and checked at start-up by `serve.py`):
Django 5.2.19, djangorestframework 3.18.3, django-oauth-toolkit 3.4.1.
"""

DJANGO_VERSION = "5.2.19"
DRF_VERSION = "3.18.3"
DOT_VERSION = "3.4.1"
