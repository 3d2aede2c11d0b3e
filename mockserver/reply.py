"""A rendered answer and how it goes out over ASGI, with the headers Django and DRF would send."""

from dataclasses import dataclass
from functools import lru_cache

from starlette.types import Send


@lru_cache(maxsize=4096)
def _header(name: str, value: str) -> tuple[bytes, bytes]:
    # Allow, Vary and the media types repeat on every answer: encode each pair once.
    return name.lower().encode("latin-1"), value.encode("latin-1")


@dataclass(slots=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    media_type: str | None
    head: bool = False  # a HEAD answer: the headers of the GET, no body

    def raw_headers(self) -> list[tuple[bytes, bytes]]:
        raw = [_header(name, value) for name, value in self.headers.items()]
        # A 204 carries no body and no length; any other answer says how long its body is.
        if self.status != 204 and self.status >= 200:
            raw.append((b"content-length", str(len(self.body)).encode()))
        if self.media_type is not None:
            raw.append(_header("content-type", self.media_type))
        return raw

    async def send(self, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status, "headers": self.raw_headers()})
        await send({"type": "http.response.body", "body": b"" if self.head else self.body})
