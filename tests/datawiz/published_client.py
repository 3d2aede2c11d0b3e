"""The requests the published Datawiz client (datawizio/pythonAPI, `dwapi`) sends, reproduced
(its code is GPL and not on the package index, so it is not imported or copied): an OAuth2
password grant with requests-oauthlib, then `Authorization: Bearer` on every request; its constant
headers (a fixed `Date`, `Host`, `Accept` and `Content-Type: application/json`); uploads as JSON
arrays in chunks of 2000 to `<api>/<resource>/?`; reads with a `{}` body, walking `page` from 1
while the answer's `next` is truthy."""

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import requests
from oauthlib.oauth2 import LegacyApplicationClient
from requests_oauthlib import OAuth2Session

CONSTANT_DATE = "Tue, 10 Nov 2015 18:11:05 GMT"
CHUNK_SIZE = 2000  # dwapi.datawiz_upload.DEFAULT_CHUNK_SIZE and RECEIPTS_CHUNK_SIZE


class PublishedClient:
    def __init__(self, base: str, ca_cert: str, client_id: str, client_secret: str) -> None:
        self.api = f"{base}/api/v1"
        self.ca_cert = ca_cert
        self.headers = {
            "Host": base.removeprefix("https://"),
            "Accept": "application/json",
            "Date": CONSTANT_DATE,
            "Content-Type": "application/json",
        }
        self.client_id, self.client_secret = client_id, client_secret
        self.session = OAuth2Session(client=LegacyApplicationClient(client_id=client_id))
        self.token_url = f"{base}/api/o/token/"

    def login(self, username: str, password: str) -> dict[str, Any]:
        return self.session.fetch_token(
            token_url=self.token_url,
            username=username,
            password=password,
            client_id=self.client_id,
            client_secret=self.client_secret,
            verify=self.ca_cert,
        )

    def upload(
        self,
        resource: str,
        items: list[dict[str, Any]],
        chunk_size: int = CHUNK_SIZE,
        params: dict[str, Any] | None = None,
    ) -> list[Any]:
        """Up_DW._send_chunk_data: one POST per chunk (a few methods pass their own chunk size
        and query parameters); the answers, in order."""
        answers = []
        for start in range(0, len(items), chunk_size):
            answer = self.send_chunk(resource, items[start : start + chunk_size], params)
            assert answer.status_code in (200, 201, 202), (resource, answer.status_code, answer.text[:500])
            answers.append(answer.json())
        return answers

    def send_chunk(
        self, resource: str, chunk: list[dict[str, Any]], params: dict[str, Any] | None = None
    ) -> requests.Response:
        """One POST of a chunk as Up_DW._send_chunk_data sends it, whatever the answer (tests of
        refused uploads read it)."""
        return self.session.post(
            f"{self.api}/{resource}/?{urlencode(params or {}).replace('None', '')}",
            data=json.dumps(chunk),
            headers=self.headers,
            verify=self.ca_cert,
        )

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """Auth._get: a `{}` body, the parameters urlencoded with None as empty."""
        query = urlencode(params or {}).replace("None", "")
        answer = self.session.get(
            f"{self.api}/{path}/?{query}", headers=self.headers, data=json.dumps({}), verify=self.ca_cert
        )
        assert answer.status_code in (200, 201), (path, answer.status_code, answer.text[:500])
        return answer.json()

    def pages(self, resource: str, **params: Any) -> Iterator[dict[str, Any]]:
        """DW._get_raw_data: page from 1, incremented while `next` is truthy."""
        page, has_next = 1, True
        while has_next:
            body = self.get(resource, {**params, "page": page})
            has_next = bool(body.get("next"))
            page += 1
            yield body

    def read_all(self, resource: str, page_size: int = 1000) -> list[dict[str, Any]]:
        return [item for body in self.pages(resource, page_size=page_size) for item in body["results"]]
