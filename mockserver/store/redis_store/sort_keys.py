"""Order-preserving byte encodings of sort values, so a Redis sorted set (all scores 0, ordered
by member bytes) keeps a collection in the same order the memory store sorts it.

A member is `encoded value + separator + document key`, the key read after the last separator
(a key holds none; the placeholder of a NULL first may be a separator byte): ties fall to the key, ascending in both
directions (the memory store sorts stably on the key order). Values are compared as the memory
store compares them: text by code point (UTF-8 bytes compare the same way), numbers as decimals,
None last ascending and first descending (PostgreSQL's NULLs)."""

from decimal import Decimal, InvalidOperation
from typing import Any

ASCENDING_SEPARATOR = b"\x00"  # never inside an encoded value: DRF refuses null characters
DESCENDING_SEPARATOR = b"\xff"  # never inside an inverted value: UTF-8 has no 0x00 in text
_NULL_ASCENDING = b"\xff"  # after every UTF-8 lead byte (none is above 0xf4)
_NULL_DESCENDING = b"\x00"  # before every inverted byte
_INVERT = bytes(255 - b for b in range(256))
_EXPONENT_BIAS = 500_000


def _number(value: Any) -> bytes | None:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    if number == 0:
        return b"1"
    digits = "".join(map(str, number.as_tuple().digits)).rstrip("0")
    exponent = number.adjusted() + _EXPONENT_BIAS
    if number > 0:  # a larger exponent first, then the digits (a prefix is the smaller number)
        return b"2" + f"{exponent:07d}{digits}".encode()
    inverted_digits = "".join(str(9 - int(d)) for d in digits)
    # "~" after the digits: of two negatives where one's digits prefix the other's, it is larger.
    return b"0" + f"{9_999_999 - exponent:07d}{inverted_digits}~".encode()


def encoded_value(sort_type: str, value: Any) -> bytes | None:
    """The value's bytes in ascending order, or None when the memory store would sort it as None."""
    if value is None:
        return None
    if sort_type == "number":
        return _number(value)
    return str(value).replace("\x00", "").encode()


def members(sort_type: str, value: Any, key: str, nulls_first: bool = False) -> tuple[bytes, bytes]:
    """The ascending and descending sorted-set members of a document's value; `nulls_first`: a
    null first ascending and last descending (SQLite's, MySQL's NULLs)."""
    encoded, raw_key = encoded_value(sort_type, value), key.encode()
    if encoded is None:
        ascending, descending = (
            (_NULL_DESCENDING, _NULL_ASCENDING) if nulls_first else (_NULL_ASCENDING, _NULL_DESCENDING)
        )
        return (ascending + ASCENDING_SEPARATOR + raw_key, descending + DESCENDING_SEPARATOR + raw_key)
    return (
        encoded + ASCENDING_SEPARATOR + raw_key,
        encoded.translate(_INVERT) + DESCENDING_SEPARATOR + raw_key,
    )
