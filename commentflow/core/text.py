"""Vietnamese text: NFC normalisation, diacritic-free folding for search, and ICU "vi" sorting."""
import re
import unicodedata
from functools import lru_cache

import icu

_WHITESPACE = re.compile(r"\s+")
#: C0 and C1 control characters but tab, line feed and carriage return: pasted from other
#: programs, they break XML (Word, Excel) and mail headers, and no one types them.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# U+00D0/U+00F0 (Icelandic eth) are often typed for Đ/đ by legacy keyboards and converters.
_ETH_TO_D = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111"})


def clean(text: str) -> str:
    """NFC, without control characters (tab and line breaks kept): what every text typed
    into a form becomes, and what an export writes whatever was stored."""
    if _CONTROLS.search(text) is None and unicodedata.is_normalized("NFC", text):
        return text  # as nearly everything is: checked without making a copy
    return unicodedata.normalize("NFC", _CONTROLS.sub("", text))


def normalize(text: str | None) -> str:
    """NFC, Đ instead of Ð, no control or zero-width characters, single spaces, trimmed."""
    if not text:
        return ""
    text = clean(text).translate(_ETH_TO_D)
    text = text.replace("\u200b", "").replace("\ufeff", "")
    return _WHITESPACE.sub(" ", text).strip()


def normalize_multiline(text: str | None) -> str:
    """Like normalize() but keeps line breaks (for letter bodies and comments)."""
    if not text:
        return ""
    text = clean(text).translate(_ETH_TO_D).replace("\r\n", "\n").replace("\r", "\n")
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def fold(text: str | None) -> str:
    """Lower-case ASCII-ish form for accent-insensitive search: "Sở Y tế" → "so y te".

    đ is mapped explicitly (NFD does not decompose it); tone placement variants such as
    "hoà"/"hòa" fold to the same string.
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", normalize(text))
    stripped = "".join(ch for ch in decomposed if not ("\u0300" <= ch <= "\u036f"))
    return stripped.replace("đ", "d").replace("Đ", "D").lower()


@lru_cache(maxsize=1)
def _collator() -> icu.Collator:
    return icu.Collator.createInstance(icu.Locale("vi"))


def sort_key(text: str | None) -> bytes:
    """ICU "vi" collation key: a < ă < â, d < đ, tones secondary; comparable byte-wise in SQL."""
    return bytes(_collator().getSortKey(normalize(text)))


def vietnamese_sorted(items, key=lambda item: item):
    """Sort any iterable by the Vietnamese alphabetical order of key(item)."""
    return sorted(items, key=lambda item: sort_key(key(item)))


def format_number(value: int | float, decimals: int = 0) -> str:
    """Vietnamese number format: "." for thousands, "," for decimals (1.250; 98,5)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
