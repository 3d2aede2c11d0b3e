"""The Redis store's tenants: a tenant's keys written whole by one script (LOAD) or removed by
one (RESET), so a seed, a load or a reset is never seen half done by another process."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import orjson

from mockserver.store.clock import loaded_clock
from mockserver.store.redis_store.documents import RedisDocuments
from mockserver.store.redis_store.faults import FAULT_KEYS
from mockserver.store.tenants import TenantSeed


class RedisTenants(RedisDocuments):
    if TYPE_CHECKING:  # the other families' parts, composed beside this one (store/redis_store/__init__.py)

        def clear_journal(self, tenant: str | None = None) -> int: ...
        def clear_faults(self, tenant: str | None = None, operation_id: str | None = None) -> int: ...
        def clock_state(self) -> dict[str, Any]: ...

    def ensure_tenant(self, tenant: str, seed: TenantSeed) -> None:
        if self._redis.sismember(self._key("tenants"), tenant):
            return
        self._load({tenant: seed()}, only_if_new=True)

    def tenants(self) -> list[str]:
        return sorted(name.decode() for name in self._redis.smembers(self._key("tenants")))

    def reset(self, tenant: str | None = None) -> None:
        if tenant is None:
            names = self.tenants()
            pattern = self._key("t", "*")  # every tenant's keys, even one a failed write left unlisted
            doomed = [key.decode() for key in self._redis.scan_iter(match=pattern, count=1000)]
            doomed += [self._key(name) for name in ("journal", "clock", *FAULT_KEYS)]
            self._scripts["RESET"](keys=[self._key("tenants"), *doomed], args=names)
        else:
            self._scripts["RESET"](keys=[self._key("tenants"), *self._tenant_keys(tenant)], args=[tenant])
            self.clear_journal(tenant)
            self.clear_faults(tenant)

    def dump_tenant(self, tenant: str) -> dict[str, Any]:
        pipe = self._redis.pipeline(transaction=True)
        pipe.hgetall(self._tenant_key(tenant, "values"))
        specs = sorted(self._specs.values(), key=lambda spec: spec.name)
        for spec in specs:
            keys = self._collection_keys(tenant, spec)
            pipe.exists(keys[3])
            pipe.hgetall(keys[0])
        replies = pipe.execute()
        values = {name.decode(): orjson.loads(raw) for name, raw in replies[0].items()}
        collections = {}
        for index, spec in enumerate(specs):
            exists, documents = replies[1 + 2 * index], replies[2 + 2 * index]
            if exists:
                collections[spec.name] = [orjson.loads(documents[key]) for key in sorted(documents)]
        return {"values": dict(sorted(values.items())), "collections": collections}

    def load_tenant(self, tenant: str, state: dict[str, Any]) -> None:
        self._load({tenant: state})

    def dump_all(self) -> dict[str, Any]:
        return {
            "clock": self.clock_state(),
            "tenants": {tenant: self.dump_tenant(tenant) for tenant in self.tenants()},
        }

    def load_all(self, state: dict[str, Any]) -> None:
        """All or nothing: one script replaces every tenant, the clock in the same transaction."""
        clock = state.get("clock")
        if clock:
            offset, frozen_at = loaded_clock(clock)  # a clock state that cannot load fails here
            clock_fields = {"offset": repr(offset)} | (
                {} if frozen_at is None else {"frozen_at": repr(frozen_at)}
            )
        tenants = state.get("tenants") or {}
        replaced = [key for name in self.tenants() for key in self._tenant_keys(name)]
        pipe = self._redis.pipeline(transaction=True)
        self._load(tenants, extra_doomed=[*replaced, self._key("tenants")], client=pipe)
        if clock:
            pipe.delete(self._key("clock"))
            pipe.hset(self._key("clock"), mapping=clock_fields)
        pipe.execute()

    def _load(
        self,
        tenants: dict[str, dict[str, Any]],
        only_if_new: bool = False,
        extra_doomed: Sequence[str] = (),
        client: Any = None,
    ) -> None:
        """Write tenants whole from their dumped state (built here first: a state that cannot
        load raises before anything is written)."""
        args: list[Any] = ["1" if only_if_new else "0", len(tenants)]
        doomed = list(extra_doomed)
        for tenant, state in tenants.items():
            commands: list[tuple[str, str, list[Any]]] = []
            values = state.get("values") or {}
            if values:
                flat = [part for name, value in values.items() for part in (name, orjson.dumps(value))]
                commands.append(("HSET", self._tenant_key(tenant, "values"), flat))
            for name, documents in (state.get("collections") or {}).items():
                spec = self._spec(name)
                keys = self._collection_keys(tenant, spec)
                by_key = {spec.key_of(document): document for document in documents}
                if by_key:
                    commands += self._collection_commands(spec, keys, by_key)
                commands.append(("STAMP", keys[3], []))
                if by_key:
                    commands.append(("CHANGED", keys[-1], list(by_key)))
            if not only_if_new:
                doomed += self._tenant_keys(tenant)
            args += [tenant, len(commands)]
            for verb, key, arguments in commands:
                args += [verb, key, len(arguments), *arguments]
        self._scripts["LOAD"](
            keys=[self._key("tenants"), self._key("stamps"), *doomed], args=args, client=client
        )
