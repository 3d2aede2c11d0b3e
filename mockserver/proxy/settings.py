"""Plain settings of one proxy; the CLI and the tests build them."""

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from mockserver.profile import Profile
from mockserver.settings import KNOWN_APIS

Mode = Literal["observe", "annotate", "enforce"]
MODES = ("observe", "annotate", "enforce")


@dataclass(frozen=True)
class ProxySettings:
    upstream: str  # base URL, may be https and carry a path prefix
    apis: tuple[str, ...] = KNOWN_APIS
    # A copy of the specs to check against (its provenance says which behaviours are decided).
    specs: Path | None = None
    mode: Mode = "observe"
    upstream_ca: Path | None = None  # a CA file to trust for an https upstream
    # Seconds a whole exchange with the upstream may take (connect, answer, the last body byte):
    # past it the client gets a 504, never a hang.
    upstream_timeout: float = 30.0
    read_only: bool = False
    report_json: Path | None = None
    junit_xml: Path | None = None
    record: Path | None = None
    # Send the upstream its own Host (name-based virtual hosting) instead of the client's.
    upstream_host: bool = False
    max_body_bytes: int = 32 * 1024 * 1024
    violations_kept: int = 10_000
    # The deployments' profiles (calibrate's): a pinned knob the traffic contradicts is a violation.
    profiles: tuple[Profile, ...] = ()
