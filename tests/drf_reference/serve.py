"""Run the reference service: `python -m tests.drf_reference.serve --port N --data DIR`.

Creates the SQLite database in DIR (`migrate --run-syncdb`), loads the fake's own fixtures through
the resources' serializers, creates the credentials the differential test uses, and serves
Django's ASGI application with uvicorn on 127.0.0.1:N."""

import argparse
import json
import os
import sys
from datetime import timedelta
from pathlib import Path

from tests.drf_reference.resources import COLLECTIONS_ENV, DOCUMENT_FORMS_ENV, DRF_DEFAULTS_ENV, SPECS_ENV

CLIENT_ID, CLIENT_SECRET = "diff-client", "diff-secret"
USERNAME, PASSWORD = "alice", "secret"
BEARER_TOKEN = "diff-bearer-token"
DRF_TOKEN = "diff-drf-token"


def check_versions() -> None:
    import django
    import oauth2_provider
    import rest_framework

    from tests.drf_reference import PAIRS

    found = (django.__version__, rest_framework.__version__, oauth2_provider.__version__)
    if found not in PAIRS:
        sys.exit(f"drf_reference: Django/DRF/DOT {found} is none of the pinned pairs {PAIRS}")


def load_fixtures(fixtures: Path) -> None:
    from tests.drf_reference.models import REGISTRY
    from tests.drf_reference.serializers import serializer_for
    from tests.drf_reference.views import upsert

    # Collections others reference first (a relocate document's lines name products, a product
    # its category); a tree's reference to its own collection (a category's parent) is resolved
    # within its fixture, as Django's loaddata does.
    pending = list(REGISTRY.resources.values())
    loaded: set[str] = set()
    while pending:
        ready = [
            r
            for r in pending
            if all(
                f.exists_in is None or f.exists_in[0] in (*loaded, r.name)
                for s in r.fields
                for f in (s, *s.children)
            )
        ]
        for resource in ready or pending:
            path = fixtures / resource.fixtures
            items = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
            tree = any(f.exists_in and f.exists_in[0] == resource.name for f in resource.fields)
            # A tree's items one by one, in the fixture's order (parents first): a list is
            # validated whole before any of it is saved.
            for batch in [[item] for item in items] if tree else [items]:
                serializer = serializer_for(resource)(data=batch, many=True)
                if not serializer.is_valid():
                    sys.exit(f"drf_reference: fixtures {path} refused: {serializer.errors}")
                upsert(resource, serializer.validated_data)
            loaded.add(resource.name)
            pending.remove(resource)


def create_credentials() -> None:
    from django.contrib.auth.models import User
    from django.utils import timezone
    from oauth2_provider.models import AccessToken, Application
    from rest_framework.authtoken.models import Token

    user = User.objects.create_user(USERNAME, password=PASSWORD)
    application = Application.objects.create(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_PASSWORD,
        name="differential test",
    )
    AccessToken.objects.create(
        user=user,
        application=application,
        token=BEARER_TOKEN,
        scope="read write",
        expires=timezone.now() + timedelta(days=1),
    )
    Token.objects.create(user=user, key=DRF_TOKEN)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--fixtures", type=Path, required=True)
    parser.add_argument("--specs", type=Path, help="a specs directory (default: the project's)")
    parser.add_argument("--collections", default="", help="comma-separated (default: every collection)")
    parser.add_argument(
        "--drf-defaults",
        action="store_true",
        help="the decided behaviours the other way (a page of 10, search and ordering on documented "
        "fields only, ModelViewSet instances, the client pages' upload answer)",
    )
    parser.add_argument(
        "--document-forms", action="store_true", help="also the seed's /things/.json/ list form"
    )
    args = parser.parse_args()
    os.environ[DRF_DEFAULTS_ENV] = "1" if args.drf_defaults else ""
    os.environ[DOCUMENT_FORMS_ENV] = "1" if args.document_forms else ""
    os.environ["DRF_REFERENCE_DATA"] = str(args.data)
    os.environ["DRF_REFERENCE_FIXTURES"] = str(args.fixtures.resolve())
    if args.specs:
        os.environ[SPECS_ENV] = str(args.specs)
    os.environ[COLLECTIONS_ENV] = args.collections
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.drf_reference.settings"
    check_versions()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", run_syncdb=True, verbosity=0)
    load_fixtures(args.fixtures)
    create_credentials()

    import uvicorn
    from django.core.asgi import get_asgi_application

    uvicorn.run(get_asgi_application(), host="127.0.0.1", port=args.port, log_level="warning", lifespan="off")


if __name__ == "__main__":
    main()
