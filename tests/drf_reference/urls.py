"""DefaultRouter (trailing slashes, format suffixes) under /api/v1/; the OAuth2 endpoints under /api/o/."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from tests.drf_reference.models import REGISTRY
from tests.drf_reference.views import viewset_for

router = DefaultRouter()
for resource in REGISTRY.resources.values():
    router.register(resource.name, viewset_for(resource), basename=resource.name)

urlpatterns = [
    path("api/v1/", include(router.urls)),
    path("api/o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
