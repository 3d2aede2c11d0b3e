"""The Redis store's documents: per tenant and collection, a hash of documents (orjson bytes),
the sorted sets an ordering reads (members encoded by sort_keys.py), the search texts and a change
log, all written by one Lua script per write (scripts.py); a search counts and pages through this
process's mirror of the search index (mirror.py), so no document leaves Redis but the page's."""

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

import orjson

from mockserver.store.documents import CollectionSpec, QueryResult, UpsertCounts, ordered_keys, sort_value
from mockserver.store.redis_store.core import RedisCore
from mockserver.store.redis_store.mirror import SearchMirrors
from mockserver.store.redis_store.sort_keys import members
from mockserver.store.search_index import search_terms

SEARCH_ATTEMPTS = 5


class RedisDocuments(RedisCore):
    _specs: dict[str, CollectionSpec]
    _mirrors: SearchMirrors

    def _whole_sorted_set(self, version: int, version_key: str, sorted_set: str) -> list[bytes] | None:
        return self._scripts["AT_VERSION"](keys=[version_key, sorted_set], args=[version])

    def _collection_keys(self, tenant: str, spec: CollectionSpec) -> list[str]:
        """Documents, members, search texts, version, stamps, tenants, the sorted sets, the change log."""
        base = self._tenant_key(tenant, "c", quote(spec.name, safe=""))
        sorted_sets = [f"{base}:by-key"]
        for name in spec.ordering_fields:
            sorted_sets += [f"{base}:asc:{quote(name, safe='')}", f"{base}:desc:{quote(name, safe='')}"]
        return [
            f"{base}:documents",
            f"{base}:members",
            f"{base}:search",
            f"{base}:version",
            self._key("stamps"),
            self._key("tenants"),
            *sorted_sets,
            f"{base}:changed",
        ]

    def _spec(self, collection: str) -> CollectionSpec:
        spec = self._specs.get(collection)
        if spec is None:
            raise KeyError(f"unknown collection {collection!r}")
        return spec

    def _collection_commands(
        self, spec: CollectionSpec, keys: list[str], by_key: dict[str, dict[str, Any]]
    ) -> list[tuple[str, str, list[Any]]]:
        documents: list[Any] = []
        packed: list[Any] = []
        texts: list[Any] = []
        sorted_sets: list[list[Any]] = [[] for _ in keys[6:-1]]
        for key, document in by_key.items():
            documents += [key, orjson.dumps(document)]
            member_list = self._member_list(spec, key, document)
            packed += [key, msgpack_bytes_array(member_list)]
            for index, member in enumerate(member_list):
                sorted_sets[index] += [0, member]
            text = spec.search_text(document)
            if text:
                texts += [key, text]
        commands = [("HSET", keys[0], documents), ("HSET", keys[1], packed)]
        if texts:
            commands.append(("HSET", keys[2], texts))
        commands += [("ZADD", key, pairs) for key, pairs in zip(keys[6:-1], sorted_sets, strict=True)]
        return commands

    @staticmethod
    def _member_list(spec: CollectionSpec, key: str, document: dict[str, Any]) -> list[bytes]:
        found = [b"\x00" + key.encode()]
        for name, sort_type in spec.ordering_fields.items():
            found.extend(members(sort_type, document.get(name), key, spec.nulls_first))
        return found

    def define_collection(self, spec: CollectionSpec) -> None:
        self._specs[spec.name] = spec

    def get_document(self, tenant: str, collection: str, key: str, encoded: bool = False) -> Any:
        raw = self._redis.hget(self._collection_keys(tenant, self._spec(collection))[0], key)
        return raw if raw is None or encoded else orjson.loads(raw)

    def collection_version(self, tenant: str, collection: str) -> int:
        raw = self._redis.get(self._collection_keys(tenant, self._spec(collection))[3])
        return int(raw) if raw is not None else 0

    def existing_keys(self, tenant: str, collection: str, keys: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            self._spec(collection)
            return set()
        documents = self._collection_keys(tenant, self._spec(collection))[0]
        pipe = self._redis.pipeline(transaction=False)
        for key in wanted:
            pipe.hexists(documents, key)
        return {key for key, found in zip(wanted, pipe.execute(), strict=True) if found}

    def upsert_documents(
        self, tenant: str, collection: str, documents: Sequence[dict[str, Any]]
    ) -> UpsertCounts:
        spec = self._spec(collection)
        keys = self._collection_keys(tenant, spec)
        args: list[Any] = [tenant, len(keys) - 7]
        for document in documents:
            key = spec.key_of(document)
            text = spec.search_text(document)
            packed = msgpack_bytes_array(self._member_list(spec, key, document))
            args += [key, orjson.dumps(document), text, packed]
        inserted = int(self._scripts["UPSERT"](keys=keys, args=args))
        return UpsertCounts(inserted=inserted, updated=len(documents) - inserted)

    def delete_documents(self, tenant: str, collection: str, keys: Iterable[str]) -> int:
        spec = self._spec(collection)
        redis_keys = self._collection_keys(tenant, spec)
        return int(self._scripts["DELETE"](keys=redis_keys, args=[tenant, len(redis_keys) - 7, *keys]))

    def query_documents(
        self,
        tenant: str,
        collection: str,
        *,
        ordering: Sequence[str] = (),
        search: str | tuple[str, ...] | None = None,
        offset: int = 0,
        limit: int | None = None,
        encoded: bool = False,
    ) -> QueryResult:
        spec = self._spec(collection)
        keys = self._collection_keys(tenant, spec)
        terms = search_terms(search)
        effective = spec.effective_ordering(ordering)
        if len(effective) > 1:
            return self._query_in_python(spec, keys, effective, terms, offset, limit, encoded)
        descending = bool(effective) and effective[0].startswith("-")
        if effective:
            fields = list(spec.ordering_fields)
            index = 7 + 2 * fields.index(effective[0].lstrip("-")) + (1 if descending else 0)
        else:
            index = 6
        if terms:
            found = self._search(tenant, spec, keys, index - 5, descending, terms, offset, limit)
            if found is not None:
                count, raw = found
            else:  # written to without pause: the scan inside Redis, one script, one version
                count, raw = self._scripts["QUERY"](
                    keys=[keys[0], keys[2], keys[index]],
                    args=["1" if descending else "0", offset, -1 if limit is None else limit, *terms],
                )
        else:
            count, raw = self._scripts["QUERY"](
                keys=[keys[0], keys[2], keys[index]],
                args=["1" if descending else "0", offset, -1 if limit is None else limit],
            )
        documents = raw if encoded else [orjson.loads(document) for document in raw]
        return QueryResult(count=int(count), documents=documents)

    def _search(
        self,
        tenant: str,
        spec: CollectionSpec,
        keys: list[str],
        place: int,
        descending: bool,
        terms: list[str],
        offset: int,
        limit: int | None,
    ) -> tuple[int, list[bytes]] | None:
        """Count and page through this process's search index (mirror.py), all read at
        one version of the collection: asked again when a write comes in between, None (for the
        scan in Redis) if writes never pause. place: the ordering's sorted set's place in a
        document's member list (keys[place + 5])."""
        separator = b"\xff" if descending else b"\x00"
        with self._mirrors.lock:
            return self._search_at_one_version(spec, tenant, keys, place, separator, terms, offset, limit)

    def _search_at_one_version(
        self,
        spec: CollectionSpec,
        tenant: str,
        keys: list[str],
        place: int,
        separator: bytes,
        terms: list[str],
        offset: int,
        limit: int | None,
    ) -> tuple[int, list[bytes]] | None:
        for _ in range(SEARCH_ATTEMPTS):
            version, mirror = self._mirrors.synced(
                tenant, spec.name, [keys[3], keys[-1], keys[2], keys[0]], len(spec.search_fields)
            )
            matches = mirror.index.matching(terms)
            count = len(matches)
            if count == 0 or limit == 0 or offset >= count:
                return count, []
            ranking = self._mirrors.ranking(mirror, version, keys, place, separator)
            if ranking is None:
                continue
            page = [mirror.index.key_of(i) for i in ranking.page(matches, offset, limit)]
            documents = self._scripts["AT_VERSION"](keys=[keys[3], keys[0]], args=[version, *page])
            if documents is not None:
                return count, documents
        return None

    def _query_in_python(
        self,
        spec: CollectionSpec,
        keys: list[str],
        ordering: tuple[str, ...],
        terms: list[str],
        offset: int,
        limit: int | None,
        encoded: bool,
    ) -> QueryResult:
        """An ordering by several fields has no sorted set: the collection is read and sorted here."""
        stored = {key.decode(): raw for key, raw in self._redis.hgetall(keys[0]).items()}
        decoded = {key: orjson.loads(raw) for key, raw in stored.items()}
        types = spec.ordering_fields
        ordered = ordered_keys(
            stored,
            ordering,
            lambda key, name: sort_value(types[name], decoded[key].get(name)),
            spec.nulls_first,
        )
        for term in terms:
            ordered = [key for key in ordered if term in spec.search_text(decoded[key])]
        end = None if limit is None else offset + limit
        page = ordered[offset:end]
        documents = [stored[key] if encoded else decoded[key] for key in page]
        return QueryResult(count=len(ordered), documents=documents)


def msgpack_bytes_array(items: list[bytes]) -> bytes:
    """A msgpack array of raw strings (Lua's cmsgpack reads str formats, not bin)."""
    count = len(items)
    head = bytes([0x90 | count]) if count < 16 else b"\xdc" + count.to_bytes(2, "big")
    parts = [head]
    for item in items:
        size = len(item)
        if size < 32:
            parts.append(bytes([0xA0 | size]))
        elif size < 65536:
            parts.append(b"\xda" + size.to_bytes(2, "big"))
        else:
            parts.append(b"\xdb" + size.to_bytes(4, "big"))
        parts.append(item)
    return b"".join(parts)
