"""Pure rules of the Datawiz resources, on plain JSON-able data (no HTTP, no store).

Everything else about a Datawiz collection (keys, forms, paging, links) is declared in
specs/datawiz.yaml and served by the generic views."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

FOUR_PLACES = Decimal("0.0001")


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


def with_line_prices(document: dict[str, Any]) -> dict[str, Any]:
    """The relocate documents' hook: every line's price by the rule (the stored form in and out)."""
    for line in document.get("products") or []:
        line["price"] = line_price(line["qty"], line.get("price"), line["price_total"])
    return document
