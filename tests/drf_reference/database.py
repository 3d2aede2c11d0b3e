"""Make the reference's SQLite answer as PostgreSQL (the usual database of a production DRF
service) does where the fake follows PostgreSQL: case-insensitive `icontains` beyond ASCII
(SQLite's LIKE folds ASCII only) and NULLs last ascending, first descending."""

import re
from typing import Any

from django.db.backends.signals import connection_created
from django.db.models import F
from rest_framework.filters import OrderingFilter


def _like(pattern: str, value: Any, escape: str = "\\") -> bool:
    """SQLite's like(pattern, value, escape), case-insensitive for every script (PostgreSQL's
    UPPER(x) LIKE UPPER(y), which Django uses for icontains there)."""
    if value is None or pattern is None:
        return False
    parts, index = [], 0
    while index < len(pattern):
        char = pattern[index]
        if char == escape and index + 1 < len(pattern):
            parts.append(re.escape(pattern[index + 1]))
            index += 2
            continue
        parts.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
        index += 1
    return re.fullmatch("".join(parts), str(value), re.IGNORECASE | re.DOTALL) is not None


def _install_like(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("like", 2, lambda p, v: _like(p, v))
        connection.connection.create_function("like", 3, _like)


def use_postgresql_semantics() -> None:
    connection_created.connect(_install_like, dispatch_uid="drf_reference_like")


class NullsAsPostgreSQL(OrderingFilter):
    """OrderingFilter, with NULLs ordered as PostgreSQL orders them."""

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        terms = [
            F(term[1:]).desc(nulls_first=True) if term.startswith("-") else F(term).asc(nulls_last=True)
            for term in ordering
        ]
        return queryset.order_by(*terms)
