"""DefaultRouter (trailing slashes, format suffixes) under /api/v1/; the OAuth2 endpoints under
/api/o/; the Akinon setup task, logins and active user at the Akinon spec's paths."""

import os
from pathlib import Path

from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from tests.drf_reference.akinon import akinon_urls
from tests.drf_reference.models import REGISTRY
from tests.drf_reference.views import viewset_for

router = DefaultRouter()
for resource in REGISTRY.resources.values():
    router.register(resource.name, viewset_for(resource), basename=resource.name)

# The seed's `/relocate-documents/.json/`: the list view with a format (a stock router has no such route)
document_forms = [
    re_path(
        rf"^api/v1/{resource.name}/\.(?P<format>json)/$",
        viewset_for(resource).as_view({"get": "list", "post": "create"}),
    )
    for resource in REGISTRY.resources.values()
    if resource.slash_suffix
]

urlpatterns = [
    *document_forms,
    path("api/v1/", include(router.urls)),
    path("api/o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    # the Akinon API beside Datawiz (its own paths, Token authentication), from the fixtures' sibling
    *akinon_urls(Path(os.environ.get("DRF_REFERENCE_FIXTURES", "fixtures/datawiz")).parent / "akinon"),
]
