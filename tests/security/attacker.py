"""What the attacker tests share: two teams' credentials, the admin's, and how a refusal and an
unchanged fake are checked."""

import json

from starlette.testclient import TestClient

TEAM_A = "team-a-secret-123"
TEAM_B = "team-b-secret-456"
ADMIN = "admin-secret-789"
A = {"Authorization": f"Bearer {TEAM_A}"}
B = {"Authorization": f"Bearer {TEAM_B}"}
ADMIN_HEADER = {"X-Mockserver-Admin-Token": ADMIN}
C = "/__mockserver__"
PRODUCTS = "/api/v1/products/"


def everything(client: TestClient) -> str:
    """All state, as the store holds it (read around the API: the test's own view)."""
    store = client.app.state.store  # type: ignore[attr-defined]
    return json.dumps({"state": store.dump_all(), "faults": store.faults()}, sort_keys=True)


def refused(answer, status: int) -> None:
    assert answer.status_code == status, (answer.status_code, answer.text)
    assert isinstance(answer.json().get("detail"), str), answer.text  # DRF's error shape
