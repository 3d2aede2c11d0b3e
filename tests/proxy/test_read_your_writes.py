"""Read-your-writes compares what an upload sent with what a read shows as DRF presents stored
values: by value where the presentation may vary, exactly elsewhere."""

from mockserver.proxy.writes import difference, same_value


def test_decimals_and_numbers_compare_by_value():
    assert same_value("decimal", "3.0000", "3.00")
    assert same_value("decimal", "3.0000", 3)
    assert not same_value("decimal", "3.0000", "0.0000")
    assert same_value("integer", 5, "5")
    assert not same_value("decimal", "3.0000", None)


def test_datetimes_compare_as_instants():
    assert same_value("datetime", "2016-01-01T00:00:00", "2016-01-01T00:00:00.000000")
    assert same_value("datetime", "2016-01-01T00:00:00", "2016-01-01T02:00:00+02:00")
    assert not same_value("datetime", "2016-01-01T00:00:00", "2016-01-02T00:00:00")


def test_text_compares_exactly():
    assert not same_value("string", "Owner", "owner")


def test_the_first_difference_names_the_line_and_field():
    kinds = {"relocate_id": "string", "products": {"price": "decimal", "qty": "decimal"}}
    sent = {"relocate_id": "a", "products": [{"price": "3.0000", "qty": "1.0000"}]}
    shown = {"relocate_id": "a", "url": "x", "products": [{"price": "0.0000", "qty": "1.0000", "id": 1}]}
    assert difference(kinds, sent, shown) == "products[0].price is '0.0000', the upload sent '3.0000'"
    assert difference(kinds, sent, {**shown, "products": []}) == "products holds 0 items, the upload sent 1"
    assert difference(kinds, sent, {"relocate_id": "a"}) is None  # a field not shown is the schema's
