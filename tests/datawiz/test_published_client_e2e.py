"""Over a real TLS socket, as the published Datawiz client talks: an OAuth2 password grant with
requests-oauthlib, HTTP Signatures with httpsig, pages walked while `next` is truthy."""

import requests
from httpsig.requests_auth import HTTPSignatureAuth
from oauthlib.oauth2 import LegacyApplicationClient
from requests_oauthlib import OAuth2Session

from mockserver.app import create_app
from mockserver.settings import Settings
from mockserver.tls import generate_localhost_certificate
from tests.live_server import live_server

CONSTANT_DATE = "Tue, 10 Nov 2015 18:11:05 GMT"


def test_oauth2_and_signed_requests_over_tls(tmp_path):
    files = generate_localhost_certificate(tmp_path)
    with live_server(
        create_app(published_client_settings()), str(files.cert_chain), str(files.private_key)
    ) as base:
        talk_as_the_published_client(base, str(files.ca_cert))


def published_client_settings() -> Settings:
    return Settings(
        auth_mode="strict",
        users=(("olena", "pw"),),
        oauth_clients=(("client-1", "client-secret"),),
        signing_keys=(("key-1", "s3cret"),),
        validate_responses=True,
    )


def talk_as_the_published_client(base: str, ca_cert: str | bool) -> None:
    """The requests the published client makes, as it makes them (`verify`: the CA to trust)."""
    host = base.split("://", 1)[1]
    session = OAuth2Session(client=LegacyApplicationClient(client_id="client-1"))
    token = session.fetch_token(
        token_url=f"{base}/api/o/token/",
        username="olena",
        password="pw",
        client_id="client-1",
        client_secret="client-secret",
        verify=ca_cert,
    )
    assert token["token_type"] == "Bearer"
    headers = {"Host": host, "Accept": "application/json", "Date": CONSTANT_DATE}
    seen, page = [], 1
    while True:
        answer = session.get(
            f"{base}/api/v1/relocate-documents/",
            params={"page": page, "page_size": 4},
            json={},
            headers=headers,
            verify=ca_cert,
        )
        assert answer.status_code in (200, 201, 202)
        body = answer.json()
        seen += [d["relocate_id"] for d in body["results"]]
        assert all(d["url"].startswith(base) for d in body["results"])
        if not body["next"]:
            break
        page += 1
    assert len(seen) == body["count"] == len(set(seen))

    signed = HTTPSignatureAuth(
        key_id="key-1",
        secret="s3cret",
        algorithm="hmac-sha256",
        headers=["accept", "date", "host", "(request-target)"],
    )
    upload = {
        "relocate_id": "tls-1",
        "price_total": "20.0000",
        "relocate_date": "2016-01-01T00:00:00",
        "responsible": "",
        "products": [
            {
                "product_id": "a26f866b-1465-11e5-80cb-a01d4897e530",
                "qty": "2",
                "price": "10",
                "price_total": "20",
            }
        ],
    }
    posted = requests.post(
        f"{base}/api/v1/relocate-documents/",
        json=[upload],
        auth=signed,
        headers=headers,
        verify=ca_cert,
    )
    assert posted.status_code == 201 and posted.json() == {"updated": 0, "inserted": 1}
    wrong = HTTPSignatureAuth(
        key_id="key-1",
        secret="nope",
        algorithm="hmac-sha256",
        headers=["accept", "date", "host", "(request-target)"],
    )
    refused = requests.get(
        f"{base}/api/v1/relocate-documents/tls-1/", auth=wrong, headers=headers, verify=ca_cert
    )
    assert refused.status_code == 401 and refused.json() == {"detail": "Bad signature"}
