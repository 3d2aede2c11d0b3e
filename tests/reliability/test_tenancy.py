"""No sequence of requests under one credential reads or changes another credential's data.

CI runs 25 sequences; the full run is
    MOCKSERVER_TENANCY_EXAMPLES=500 pytest tests/reliability/test_tenancy.py
"""

import os
import warnings

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

warnings.filterwarnings("ignore", category=DeprecationWarning)
from starlette.testclient import TestClient  # noqa: E402

from mockserver.app import create_app  # noqa: E402
from mockserver.settings import Settings  # noqa: E402

ALICE = {"Authorization": "Bearer alice"}
MALLORY_HEADERS = [
    {"Authorization": "Bearer mallory"},
    {"Authorization": "Token mallory"},
    {"Authorization": "Bearer mallory", "X-Mockserver-Namespace": "other"},
]
PRODUCT = "a26f866b-1465-11e5-80cb-a01d4897e530"


def upload(relocate_id: str) -> dict:
    return {
        "relocate_id": relocate_id,
        "price_total": "1",
        "relocate_date": "2016-01-01T00:00:00",
        "responsible": "m",
        "products": [{"product_id": PRODUCT, "qty": "1", "price": "1", "price_total": "1"}],
    }


ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["post", "execute", "advance", "reset_own", "add_address"]),
        st.sampled_from(range(len(MALLORY_HEADERS))),
        st.sampled_from(["11112", "mine", "x"]),
    ),
    max_size=6,
)


def snapshot(client: TestClient) -> tuple:
    docs = client.get("/api/v1/relocate-documents/?page_size=1000", headers=ALICE).json()
    task = client.get(
        "/api/v1/oms/setup/addresses/get_async_status/", headers={"Authorization": "Token alice"}
    ).json()
    required = client.get(
        "/api/v1/oms/setup/addresses/is_required/", headers={"Authorization": "Token alice"}
    ).json()
    return (
        docs["count"],
        [d["relocate_id"] for d in docs["results"]],
        [d["price_total"] for d in docs["results"]],
        task,
        required,
    )


@settings(
    max_examples=int(os.environ.get("MOCKSERVER_TENANCY_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(actions=ACTIONS)
def test_other_credentials_cannot_touch_alice(actions):
    client = TestClient(create_app(Settings()))
    before = snapshot(client)
    for action, who, relocate_id in actions:
        headers = MALLORY_HEADERS[who]
        akinon = {**headers, "Authorization": headers["Authorization"].replace("Bearer", "Token")}
        if action == "post":
            client.post("/api/v1/relocate-documents/", headers=headers, json=upload(relocate_id))
        elif action == "execute":
            client.post("/api/v1/oms/setup/addresses/execute/", headers=akinon)
        elif action == "advance":
            client.post("/__mockserver__/clock/advance", json={"seconds": 1})
        elif action == "reset_own":
            client.post("/__mockserver__/reset", headers=headers)
        else:
            client.post(
                "/__mockserver__/akinon/omnitron-addresses",
                headers=akinon,
                json={"countries": [{"code": "ZZ", "name": "Mallory"}]},
            )
    assert snapshot(client) == before
