"""The optional parts of the distribution: which extra a command needs, and one line saying so."""

import sys
from importlib.util import find_spec

DISTRIBUTION = "akinon-datawiz-mockserver"
# `mockserver verify` and `mockserver diff` run the contract suite, which generates requests with
# schemathesis and hypothesis; the stand-in (serve, proxy, the pytest plugin) needs none of them.
VERIFY_EXTRA = ("schemathesis", "hypothesis", "pytest")


def missing(modules: tuple[str, ...] = VERIFY_EXTRA) -> list[str]:
    return [name for name in modules if find_spec(name) is None]


def needs_extra(command: str, absent: list[str]) -> int:
    print(
        f"mockserver {command}: the contract suite is not installed ({', '.join(absent)} missing): "
        f"pip install '{DISTRIBUTION}[verify]' (from a clone: pip install '.[verify]')",
        file=sys.stderr,
    )
    return 2
