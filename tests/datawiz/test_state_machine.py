"""A hypothesis state machine for upserts: counts match, replace is whole, the collection equals
the model, and pagination visits every document exactly once at every page size."""

import warnings

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

warnings.filterwarnings("ignore", category=DeprecationWarning)
from starlette.testclient import TestClient  # noqa: E402

from mockserver.app import create_app  # noqa: E402
from mockserver.settings import Settings  # noqa: E402
from mockserver.store.base import Store  # noqa: E402
from mockserver.store.redis_store import RedisStore  # noqa: E402
from tests.redis_server import machine_tests  # noqa: E402

H = {"Authorization": "Bearer machine"}
DOCS = "/api/v1/relocate-documents/"
PRODUCT = "a26f866b-1465-11e5-80cb-a01d4897e530"
IDS = st.sampled_from([f"M{i}" for i in range(8)])


def upload(relocate_id: str, responsible: str, total: int) -> dict:
    return {
        "relocate_id": relocate_id,
        "price_total": f"{total}.0000",
        "relocate_date": "2020-05-01T10:00:00",
        "responsible": responsible,
        "products": [
            {"product_id": PRODUCT, "qty": "2.0000", "price": f"{total}.0000", "price_total": f"{total}.0000"}
        ],
    }


class UpsertMachine(RuleBasedStateMachine):
    def new_store(self) -> Store | None:
        return None  # the app's own memory store

    def teardown(self) -> None:
        if isinstance(self.store, RedisStore):
            self.store.close()

    @initialize()
    def start(self) -> None:
        self.store = self.new_store()
        self.client = TestClient(create_app(Settings(validate_responses=True), store=self.store))
        self.client.post("/__mockserver__/fixtures", headers=H, json={"empty": True})
        self.client.post("/api/v1/categories/", headers=H, json={"category_id": "milk", "name": "Молоко"})
        product = {"product_id": PRODUCT, "name": "Молоко", "category_id": "milk"}
        self.client.post("/api/v1/products/", headers=H, json=product)
        self.model: dict[str, dict] = {}

    @rule(
        batch=st.lists(
            st.tuples(IDS, st.sampled_from(["Олена", "Петро", ""]), st.integers(1, 99)),
            min_size=1,
            max_size=5,
        )
    )
    def post_batch(self, batch) -> None:
        documents = [upload(*item) for item in batch]
        expected_inserted = 0
        seen = set(self.model)
        for document in documents:
            expected_inserted += document["relocate_id"] not in seen
            seen.add(document["relocate_id"])
        answer = self.client.post(DOCS, headers=H, json=documents)
        assert answer.status_code == 201
        assert answer.json() == {"inserted": expected_inserted, "updated": len(documents) - expected_inserted}
        for document in documents:
            self.model[document["relocate_id"]] = document

    @rule(relocate_id=IDS)
    def post_invalid(self, relocate_id: str) -> None:
        bad = upload(relocate_id, "x", 5) | {
            "products": [{"product_id": "nope", "qty": "1", "price": "1", "price_total": "1"}]
        }
        assert self.client.post(DOCS, headers=H, json=[upload("M0", "y", 1), bad]).status_code == 400

    @invariant()
    def collection_equals_model(self) -> None:
        if not hasattr(self, "client"):
            return
        for relocate_id, sent in self.model.items():
            stored = self.client.get(f"{DOCS}{relocate_id}/", headers=H).json()
            assert (
                stored["responsible"] == sent["responsible"] and stored["price_total"] == sent["price_total"]
            )
            # The line price is consistent (qty 2, price == total), so the price rule makes it total / 2.
            assert stored["products"][0]["price"] == f"{int(sent['price_total'].split('.')[0]) / 2:.4f}"

    @invariant()
    def pages_visit_each_document_once(self) -> None:
        if not hasattr(self, "client"):
            return
        for size in (1, 3, 20):
            seen, url = [], f"{DOCS}?page_size={size}"
            while url:
                page = self.client.get(url, headers=H).json()
                assert page["count"] == len(self.model)
                seen += [d["relocate_id"] for d in page["results"]]
                url = page["next"]
            assert sorted(seen) == sorted(self.model) and len(seen) == len(set(seen))


TestUpsertMachine, TestUpsertMachineOnRedis = machine_tests(UpsertMachine, examples=20, steps=10)
