"""The Store interface: coarse operations on plain JSON-able data, partitioned by tenant, as one
protocol composed of one small protocol per family (each in its own module, with the rules both
stores share): tenants, values, documents, credentials, clock, journal, faults.

Everything an API needs to remember goes through these operations, so a shared store (over Redis)
implements the same interface when several processes serve one fake. Each store is composed the
same way, one part per family over its own storage primitive (store/memory/, store/redis_store/).
"""

from typing import Protocol

from mockserver.store.clock import Clock
from mockserver.store.credentials import Credentials
from mockserver.store.documents import Documents
from mockserver.store.faults import Faults
from mockserver.store.journal import Journal
from mockserver.store.tenants import Tenants
from mockserver.store.values import Values

FAMILIES: tuple[type, ...] = (Tenants, Values, Documents, Credentials, Clock, Journal, Faults)


class StoreUnavailable(Exception):
    """A shared store cannot be reached (for now): the request is answered 503, nothing written."""


class Store(Tenants, Values, Documents, Credentials, Clock, Journal, Faults, Protocol):
    """The whole store: what the app owns (`app.state.store`) and hands to every handler."""
