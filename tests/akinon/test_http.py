"""The Akinon endpoints over HTTP, in-process, with response validation on."""

BASE = "/api/v1/oms/setup/addresses/"
H = {"Authorization": "Token dance"}


def status(client, headers=H):
    return client.get(BASE + "get_async_status/", headers=headers).json()["result"]


def required(client, headers=H):
    return client.get(BASE + "is_required/", headers=headers).json()["result"]


def advance(client, seconds):
    assert client.post("/__mockserver__/clock/advance", json={"seconds": seconds}).status_code == 200


def test_the_whole_setup_dance(client):
    assert (status(client), required(client)) == ("READY", "true")
    answer = client.post(BASE + "execute/", headers=H)
    assert answer.status_code == 204 and answer.content == b"" and "content-type" not in answer.headers
    assert status(client) == "WORKING"
    advance(client, 3)
    assert (status(client), required(client)) == ("FINISHED", "false")
    added = client.post(
        "/__mockserver__/akinon/omnitron-addresses",
        headers=H,
        json={"countries": [{"code": "TR", "cities": [{"code": "82", "name": "Test İli"}]}]},
    )
    assert added.json() == {"added": 1, "changed": 0, "is_required": True}
    assert required(client) == "true"


def test_failed_and_aborted_outcomes_can_be_scripted(client):
    client.post("/__mockserver__/akinon/next-outcomes", headers=H, json={"outcomes": ["FAILED", "ABORTED"]})
    client.post(BASE + "execute/", headers=H)
    advance(client, 3)
    assert (status(client), required(client)) == ("FAILED", "true")
    client.post(BASE + "execute/", headers=H)
    advance(client, 3)
    assert (status(client), required(client)) == ("ABORTED", "true")
    client.post(BASE + "execute/", headers=H)
    advance(client, 3)
    assert (status(client), required(client)) == ("FINISHED", "false")


def test_bad_outcomes_are_rejected_in_drf_shape(client):
    answer = client.post("/__mockserver__/akinon/next-outcomes", headers=H, json={"outcomes": ["Ready"]})
    assert answer.status_code == 400
    # a ListField of choices: DRF reports a bad item by its index
    assert answer.json() == {"outcomes": {"0": ['"Ready" is not a valid choice.']}}


def test_copy_pasted_document_examples_get_the_drf_405(client):
    for endpoint in ("get_async_status/", "is_required/"):
        answer = client.post(BASE + endpoint, headers=H)
        assert answer.status_code == 405
        assert answer.json() == {"detail": 'Method "POST" not allowed.'}
        assert answer.headers["allow"] == "GET, HEAD, OPTIONS"


def test_auth_errors(client):
    missing = client.get(BASE + "is_required/")
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Token"
    assert missing.json() == {"detail": "Authentication credentials were not provided."}
    assert client.post(BASE + "is_required/").status_code == 401  # DRF authenticates before the 405


def test_tenants_do_not_see_each_other(client):
    other = {"Authorization": "Token someone-else"}
    client.post(BASE + "execute/", headers=H)
    assert status(client) == "WORKING" and status(client, other) == "READY"


def test_login_and_active_user_in_strict_mode(make_client):
    client = make_client(auth_mode="strict", users=(("alice", "secret"),))
    bad = client.post("/api/v1/auth/login/", json={"username": "alice", "password": "nope"})
    assert bad.status_code == 400
    assert bad.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}
    key = client.post("/api/v1/auth/login/", json={"username": "alice", "password": "secret"}).json()["key"]
    assert (
        client.post("/api/i1/auth/login/", data={"username": "alice", "password": "secret"}).json()["key"]
        == key
    )
    user = client.get("/api/v1/active_user/", headers={"Authorization": f"Token {key}"}).json()
    assert user["username"] == "alice"
    assert client.get(BASE + "is_required/", headers={"Authorization": "Token guess"}).status_code == 401


def test_the_login_reads_a_password_as_drfs_auth_token_serializer_does(make_client):
    """AuthTokenSerializer: the password is a CharField(trim_whitespace=False), the username a
    trimmed one; neither takes a null character."""
    client = make_client(auth_mode="strict", users=(("alice", "  "),))
    spaced = client.post("/api/v1/auth/login/", json={"username": " alice ", "password": "  "})
    assert spaced.status_code == 200 and set(spaced.json()) == {"key"}, spaced.text
    blank = client.post("/api/v1/auth/login/", json={"username": "  ", "password": "x"})
    assert (blank.status_code, blank.json()) == (400, {"username": ["This field may not be blank."]})
    nul = client.post("/api/v1/auth/login/", json={"username": "alice", "password": "a\x00"})
    assert (nul.status_code, nul.json()) == (400, {"password": ["Null characters are not allowed."]})


def test_polls_setting_keeps_the_task_working(client):
    client.put("/__mockserver__/akinon/task-settings", headers=H, json={"duration_seconds": 0, "polls": 2})
    client.post(BASE + "execute/", headers=H)
    assert [status(client) for _ in range(3)] == ["WORKING", "WORKING", "FINISHED"]


def test_options_and_head(client):
    options = client.options(BASE + "execute/", headers=H)
    assert options.status_code == 200 and options.json()["name"] == "Address Setup Execute"
    head = client.head(BASE + "is_required/", headers=H)
    assert head.status_code == 200 and head.content == b""
