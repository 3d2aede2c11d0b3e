"""The request journal: what a request leaves behind, masked and cut when it is read."""

from mockserver.store import MemoryStore
from mockserver.store.journal import BODY_LIMIT, WITHHELD, JournalRecord, cut, preview

DOCS = "/api/v1/relocate-documents/"
CONTROL = "/__mockserver__/journal"


def _record(**changes):
    fields = dict(
        time=1.0,
        tenant="token:a",
        method="GET",
        path="/p/",
        query="",
        operation_id="op",
        status=200,
        duration_seconds=0.0012345,
        request_headers={"authorization": "Bearer abcdefgh", "accept": "*/*"},
        request_body=None,
        response_body=b'{"ok":true}',
    )
    fields.update(changes)
    return JournalRecord(**fields)


def test_an_entry_is_formatted_when_read_with_secrets_masked():
    store = MemoryStore()
    store.record(_record(request_body={"username": "u", "password": "p"}))
    (entry,) = store.journal()
    assert entry["id"] == 1 and entry["duration_ms"] == 1.234
    # Eight characters: too short to show any of it (a third at most of a longer one is shown).
    assert entry["request_headers"] == {"authorization": "Bearer …", "accept": "*/*"}
    assert entry["request_body"] == '{"username":"u","password":"…"}'
    assert entry["response_body"] == '{"ok":true}'


def test_long_bodies_are_cut_to_the_preview_limit_and_never_pinned_whole():
    big = b'"' + b"x" * (BODY_LIMIT * 3) + b'"'
    kept = cut(big)
    assert len(kept) == BODY_LIMIT + 1
    text = preview(kept)
    assert len(text) == BODY_LIMIT + 1 and text.endswith("…")
    assert preview(cut(b"short")) == "short"


def test_the_journal_is_bounded_and_cleared_per_tenant():
    store = MemoryStore(journal_size=3)
    for index in range(5):
        store.record(_record(tenant="a" if index % 2 else "b", path=f"/{index}/"))
    assert [e["path"] for e in store.journal()] == ["/2/", "/3/", "/4/"]
    assert [e["path"] for e in store.journal("a")] == ["/3/"]
    assert store.clear_journal("b") == 2
    assert [e["id"] for e in store.journal()] == [4]


def test_requests_show_in_the_journal_as_sent(client):
    body = b'[{"relocate_id": "j-1", "price_total": "1", "relocate_date": "2016-01-01T00:00:00", "responsible": "", "products": []}]'
    headers = {"Authorization": "Bearer journal-token", "Content-Type": "application/json"}
    assert client.post(DOCS, content=body, headers=headers).status_code == 201
    assert client.get(DOCS + "?page_size=1", headers=headers).status_code == 200
    entries = client.get(CONTROL, headers={"Authorization": "Bearer journal-token"}).json()["entries"]
    posted = next(e for e in entries if e["method"] == "POST")
    assert posted["request_body"] == body.decode()  # the bytes as received, not a re-encoding
    assert posted["response_body"] == '{"updated":0,"inserted":1}'
    assert posted["request_headers"]["authorization"] == "Bearer jour…"
    listed = next(e for e in entries if e["method"] == "GET")
    assert listed["query"] == "page_size=1" and listed["request_body"] is None
    assert listed["response_body"].startswith('{"count":') and '"results":[' in listed["response_body"]


def test_a_large_upload_is_not_kept_whole_by_the_journal(client):
    documents = [
        {
            "relocate_id": f"big-{i}",
            "price_total": "1",
            "relocate_date": "2016-01-01T00:00:00",
            "responsible": "x" * 50,
            "products": [],
        }
        for i in range(300)
    ]
    headers = {"Authorization": "Bearer journal-big"}
    assert client.post(DOCS, json=documents, headers=headers).status_code == 201
    kept = [record for _, record in client.app.state.store._journal if record.method == "POST"]
    assert kept and len(kept[-1].request_body) == BODY_LIMIT + 1


def test_a_refused_request_keeps_what_was_sent_masked_and_cut(client):
    """A 400 shows its body in the journal (the console's "Request body", copy-as-curl), with
    credential fields masked and a long body cut as an accepted one is (issue 24)."""
    headers = {"Authorization": "Bearer journal-refused", "Content-Type": "application/json"}
    refused = b'[{"relocate_id": "r-1", "price_total": "not a number"}]'
    assert client.post(DOCS, content=refused, headers=headers).status_code == 400
    broken = b'{"relocate_id": "r-2", '
    assert client.post(DOCS, content=broken, headers=headers).status_code == 400
    long_refused = b'[{"relocate_id": "' + b"x" * (BODY_LIMIT * 2) + b'"}]'
    assert client.post(DOCS, content=long_refused, headers=headers).status_code == 400
    login = "/api/v1/auth/login/"
    assert client.post(login, json={"username": ["u"], "password": "hunter2"}).status_code == 400
    assert client.post(login, content=b'{"password": "hunter2", ', headers=headers).status_code == 400
    entries = client.get(CONTROL).json()["entries"]
    bodies = [e["request_body"] for e in entries if e["path"] == DOCS and e["status"] == 400]
    # Newest first: the long one cut at the journal's limit, the broken JSON as sent, the refused list.
    assert bodies == [long_refused[:BODY_LIMIT].decode() + "…", broken.decode(), refused.decode()]
    logins = [e["request_body"] for e in entries if e["path"] == login]
    assert all("hunter2" not in (body or "") for body in logins)
    assert '"password":"…"' in logins[0] + logins[1] and WITHHELD in logins


def test_a_request_refused_before_its_body_was_read_keeps_what_was_sent(make_client):
    """A 401 (no valid credentials), a 405 (a method the view does not allow) and a 404 (no such
    path) are answered before the body is parsed; the journal still keeps what was sent, masked
    and cut as a 400's body is (issue 24)."""
    client = make_client(auth_mode="strict", tokens=("journal-strict",))
    json_body = {"Content-Type": "application/json"}
    unknown = b'[{"relocate_id": "u-1"}]'
    sent = client.post(DOCS, content=unknown, headers={**json_body, "Authorization": "Bearer nope"})
    assert sent.status_code == 401
    token = {**json_body, "Authorization": "Bearer journal-strict"}
    secret = b'{"username": "u", "password": "hunter2"}'
    assert client.post(DOCS + "r-1/", content=secret, headers=token).status_code == 405
    long_body = b'["' + b"x" * (BODY_LIMIT * 2) + b'"]'
    assert client.put(DOCS, content=long_body, headers=token).status_code == 405
    assert client.post("/api/v1/no-such-thing/", content=unknown, headers=token).status_code == 404
    entries = client.get(CONTROL).json()["entries"]  # every tenant's (no admin token is set)
    bodies = {(e["method"], e["path"], e["status"]): e["request_body"] for e in entries}
    assert bodies[("POST", DOCS, 401)] == unknown.decode()
    assert bodies[("POST", DOCS + "r-1/", 405)] == '{"username":"u","password":"…"}'
    assert bodies[("PUT", DOCS, 405)] == long_body[:BODY_LIMIT].decode() + "…"
    assert bodies[("POST", "/api/v1/no-such-thing/", 404)] == unknown.decode()


def test_a_refused_body_beyond_the_body_limit_is_not_read_and_the_answer_stands(make_client):
    client = make_client(auth_mode="strict", tokens=("journal-small",), max_body_bytes=64)
    token = {"Content-Type": "application/json", "Authorization": "Bearer journal-small"}
    assert client.put(DOCS, content=b'["' + b"x" * 200 + b'"]', headers=token).status_code == 405
    (entry,) = client.get(CONTROL).json()["entries"]
    assert entry["status"] == 405 and entry["request_body"] is None
