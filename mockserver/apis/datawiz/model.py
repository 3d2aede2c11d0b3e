"""Pure rules of the Datawiz resources, on plain JSON-able data (no HTTP, no store)."""

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import quote

from mockserver.store.base import CollectionSpec

RELOCATE_DOCUMENTS = CollectionSpec(
    name="datawiz.relocate_documents",
    key_field="relocate_id",
    ordering_fields={
        "relocate_id": "text",
        "relocate_date": "text",
        "price_total": "number",
        "responsible": "text",
    },
    search_fields=("relocate_id", "responsible"),
    default_ordering=("relocate_id",),
)
PRODUCTS = CollectionSpec(
    name="datawiz.products",
    key_field="product_id",
    ordering_fields={"product_id": "text", "name": "text"},
    search_fields=("product_id", "name", "article", "barcode"),
    default_ordering=("product_id",),
)
SHOPS = CollectionSpec(
    name="datawiz.shops",
    key_field="shop_id",
    ordering_fields={"shop_id": "text", "name": "text", "open_date": "text"},
    search_fields=("shop_id", "name", "address"),
    default_ordering=("shop_id",),
)
FOUR_PLACES = Decimal("0.0001")
PRODUCT_FIELDS = ("product_id", "name", "category_id", "unit_id", "barcode", "article")
SHOP_FIELDS = ("shop_id", "name", "address", "open_date")


def four_places(value: Decimal) -> str:
    return str(value.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP))


def line_price(qty: str, price: str | None, price_total: str) -> str:
    """The document's rule: without a price, or when price * qty != price_total, the price is
    price_total / qty. A zero qty cannot divide: the given price stays (0 when none was given)."""
    quantity, total = Decimal(qty), Decimal(price_total)
    if quantity == 0:
        return four_places(Decimal(price)) if price is not None else "0.0000"
    if price is None or Decimal(price) * quantity != total:
        return four_places(total / quantity)
    return price  # the serializer already gave it four places


def stored_relocate_document(cleaned: dict[str, Any]) -> dict[str, Any]:
    """What is kept of a validated upload: every field present, line prices by the rule."""
    return {
        "relocate_id": cleaned["relocate_id"],
        "price_total": cleaned["price_total"],
        "relocate_date": cleaned["relocate_date"],
        "responsible": cleaned["responsible"],
        "sender_shop_id": cleaned.get("sender_shop_id"),
        "receiver_shop_id": cleaned.get("receiver_shop_id"),
        "products": [
            {
                "product_id": line["product_id"],
                "qty": line["qty"],
                "price": line_price(line["qty"], line.get("price"), line["price_total"]),
                "price_total": line["price_total"],
            }
            for line in cleaned["products"]
        ],
    }


def stored_product(cleaned: dict[str, Any]) -> dict[str, Any]:
    return {name: cleaned.get(name) for name in PRODUCT_FIELDS}


def stored_shop(cleaned: dict[str, Any]) -> dict[str, Any]:
    return {name: cleaned.get(name) for name in SHOP_FIELDS}


# Django's reverse() percent-encodes a URL argument but for these characters.
URL_SAFE = "!$&'()*+,;=:@~"
# Keys made only of characters quote() keeps (most are): no need to call it, on every URL of a page.
_UNQUOTED_KEY = re.compile(r"[A-Za-z0-9_.~!$&'()*+,;=:@-]*")


def object_url(base: str, collection: str, key: Any) -> str:
    text = str(key)
    if _UNQUOTED_KEY.fullmatch(text) is None:
        text = quote(text, safe=URL_SAFE)
    return f"{base}/api/v1/{collection}/{text}/"


def _url(base: str, collection: str, key: Any) -> str | None:
    return None if key is None else object_url(base, collection, key)


def present_relocate_document(stored: dict[str, Any], base: str) -> dict[str, Any]:
    """The API form: absolute URLs on the host the request came to, in the document's order."""
    return {
        "relocate_id": stored["relocate_id"],
        "url": _url(base, "relocate-documents", stored["relocate_id"]),
        "price_total": stored["price_total"],
        "relocate_date": stored["relocate_date"],
        "responsible": stored["responsible"],
        "sender_shop_id": stored["sender_shop_id"],
        "sender_shop_url": _url(base, "shops", stored["sender_shop_id"]),
        "receiver_shop_id": stored["receiver_shop_id"],
        "receiver_shop_url": _url(base, "shops", stored["receiver_shop_id"]),
        "products": [
            {
                "product_id": line["product_id"],
                "product_url": _url(base, "products", line["product_id"]),
                "qty": line["qty"],
                "price": line["price"],
                "price_total": line["price_total"],
            }
            for line in stored["products"]
        ],
    }


def present_product(stored: dict[str, Any], base: str) -> dict[str, Any]:
    return {"product_id": stored["product_id"], "url": _url(base, "products", stored["product_id"])} | {
        name: stored.get(name) for name in PRODUCT_FIELDS[1:]
    }


def present_shop(stored: dict[str, Any], base: str) -> dict[str, Any]:
    return {"shop_id": stored["shop_id"], "url": _url(base, "shops", stored["shop_id"])} | {
        name: stored.get(name) for name in SHOP_FIELDS[1:]
    }


def ordering_terms(raw: str | None) -> list[str]:
    """DRF's OrderingFilter reads `a, -b` as ["a", "-b"]; the store drops unknown fields."""
    return [term.strip() for term in (raw or "").split(",") if term.strip()]
