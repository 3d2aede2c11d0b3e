"""Both services over real sockets, with the same data and credentials: the reference (its own
process) and the fake (uvicorn in a thread, strict auth knowing the reference's credentials)."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from mockserver.app import create_app
from mockserver.resources import fixtures_dir
from mockserver.settings import Settings
from tests.drf_reference.compare import Answer, Exchange, send
from tests.drf_reference.process import reference_server
from tests.drf_reference.serve import BEARER_TOKEN, CLIENT_ID, CLIENT_SECRET, PASSWORD, USERNAME
from tests.live_server import live_server

AUTH = {"Authorization": f"Bearer {BEARER_TOKEN}"}
# The collections of the seed document the differential test compares (and what they link to).
COMPARED = ("relocate-documents", "products", "shops", "receipts", "loss-documents")


def fake_settings(specs: Path | None = None, fixtures: Path | None = None) -> Settings:
    return Settings(
        apis=("datawiz",),
        specs_dir=specs,
        fixtures_dir=fixtures,
        auth_mode="strict",
        tokens=(BEARER_TOKEN,),
        users=((USERNAME, PASSWORD),),
        oauth_clients=((CLIENT_ID, CLIENT_SECRET),),
        validate_responses=True,
    )


@dataclass
class Pair:
    reference: str
    fake: str
    client: httpx.Client

    def exchange(self, exchange: Exchange) -> tuple[Answer, Answer]:
        return (
            send(self.client, self.reference, exchange, AUTH),
            send(self.client, self.fake, exchange, AUTH),
        )


@contextmanager
def both_services(
    data_dir: Path,
    specs: Path | None = None,
    fixtures: Path | None = None,
    collections: tuple[str, ...] = (),
    packages: Path | None = None,
) -> Iterator[Pair]:
    """Both services on one spec (the project's, or a copy) and the same fixtures; `packages`
    holds another Django/DRF pair for the reference (older_pair.py)."""
    fixtures = fixtures or fixtures_dir()
    with (
        reference_server(data_dir, fixtures / "datawiz", specs, collections, packages=packages) as reference,
        live_server(create_app(fake_settings(specs, fixtures))) as fake,
        httpx.Client(timeout=30, follow_redirects=False) as client,
    ):
        yield Pair(reference, fake, client)
