"""Addresses built once and varied per row: url_for for each of a page's hundreds of rows
cost more than the rows' own rendering."""
from collections.abc import Iterable

from flask import url_for

#: Stands for the varying value while the address is built (digits: any converter takes it).
_MARK = "987654321"


def urls_by(endpoint: str, name: str, keys: Iterable, *, anchor: str | None = None,
            **values) -> dict:
    """{key: url_for(endpoint, **values, name=key)} for every key, with url_for called once;
    `anchor` may hold "{}" for the key too ("new-{}"). Only the named argument's place is
    varied — a search text that happens to hold the same digits is left alone."""
    pattern = url_for(endpoint, **{**values, name: _MARK},
                      _anchor=anchor.format(_MARK) if anchor else None)
    address, _hash, fragment = pattern.partition("#")
    path, question, query = address.partition("?")
    pairs = query.split("&") if query else []
    segments = path.split("/")

    def varied(key) -> str:
        value = str(key)
        shown_path = "/".join(value if s == _MARK else s for s in segments)
        shown_query = "&".join(f"{name}={value}" if p == f"{name}={_MARK}" else p
                               for p in pairs)
        url = shown_path + (question + shown_query if question else "")
        return url + ("#" + anchor.format(value) if anchor else "")

    return {key: varied(key) for key in keys}
