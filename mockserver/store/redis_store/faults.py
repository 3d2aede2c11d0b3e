"""The Redis store's fault rules: three hashes (rules, probabilities, remaining times) by
"tenant NUL operationId"; a rule is taken by one script. Which rules a listing or a clearing
selects is store/faults.py's."""

import random
from typing import Any

import orjson

from mockserver.store.faults import FaultKey, candidates, listing, selected
from mockserver.store.redis_store.core import RedisCore

FAULT_KEYS = ("faults", "fault-probabilities", "fault-times")


def fault_field(key: FaultKey) -> str:
    return "\x00".join(key)


class RedisFaults(RedisCore):
    _random: random.Random

    def _fault_keys(self) -> list[str]:
        return [self._key(name) for name in FAULT_KEYS]

    def set_fault(self, tenant: str, operation_id: str, rule: dict[str, Any]) -> None:
        rules, probabilities, times = self._fault_keys()
        field = fault_field((tenant, operation_id))
        pipe = self._redis.pipeline(transaction=True)
        pipe.hset(rules, field, orjson.dumps(rule))
        pipe.hset(probabilities, field, repr(float(rule.get("probability", 1.0))))
        if rule.get("times") is not None:
            pipe.hset(times, field, int(rule["times"]))
        else:
            pipe.hdel(times, field)
        pipe.execute()

    def _rules(self) -> list[tuple[FaultKey, dict[str, Any]]]:
        rules, _, times = self._fault_keys()
        pipe = self._redis.pipeline(transaction=True)
        pipe.hgetall(rules)
        pipe.hgetall(times)
        stored, remaining = pipe.execute()
        found = []
        for field, raw in stored.items():
            rule_tenant, _, operation_id = field.decode().partition("\x00")
            rule = orjson.loads(raw)
            if field in remaining:
                rule["times"] = int(remaining[field])
            found.append(((rule_tenant, operation_id), rule))
        return found

    def faults(self, tenant: str | None = None) -> list[dict[str, Any]]:
        return listing(self._rules(), tenant)

    def clear_faults(self, tenant: str | None = None, operation_id: str | None = None) -> int:
        doomed = [fault_field(key) for key, _ in self._rules() if selected(key, tenant, operation_id)]
        if doomed:
            pipe = self._redis.pipeline(transaction=True)
            for key in self._fault_keys():
                pipe.hdel(key, *doomed)
            return int(pipe.execute()[0])
        return 0

    def take_fault(self, tenant: str, operation_id: str) -> dict[str, Any] | None:
        taken = self._scripts["TAKE_FAULT"](
            keys=self._fault_keys(),
            args=[repr(self._random.random()), *map(fault_field, candidates(tenant, operation_id))],
        )
        if taken is None:
            return None
        raw, times = taken
        rule = orjson.loads(raw)
        if times:
            before = int(times)
            rule["times"] = before if before <= 1 else before - 1
        return rule
