"""DRF's related fields against the store: whether the objects an upload names exist
(`x-drf.exists_in`, PrimaryKeyRelatedField's `queryset.get`), for one request's tenant."""

from mockserver.store.base import Store


class RelatedObjects:
    """DRF's related-object lookups for one request's tenant: `exists(collection, key)` for the
    serializer (each key fetched once), `existing(collection, keys)` for many at once. The spec
    names collections by their spec name; the store by `<api>.<name>`."""

    __slots__ = ("_api", "_known", "_store", "_tenant")

    def __init__(self, store: Store, tenant: str, api: str) -> None:
        self._store, self._tenant, self._api = store, tenant, api
        self._known: dict[tuple[str, str], bool] = {}

    def __call__(self, collection: str, key: str) -> bool:
        found = self._known.get((collection, key))
        if found is None:
            found = self._known[(collection, key)] = bool(
                self._store.existing_keys(self._tenant, f"{self._api}.{collection}", [key])
            )
        return found

    def existing(self, collection: str, keys: list[str]) -> set[str]:
        return self._store.existing_keys(self._tenant, f"{self._api}.{collection}", keys)
