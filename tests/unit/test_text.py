"""Vietnamese text handling: normalisation, folding for search, collation, numbers."""
import unicodedata

from commentflow.core.text import fold, format_number, normalize, sort_key, vietnamese_sorted


def test_names_sort_in_vietnamese_alphabetical_order():
    names = ["Ủy ban", "Sở Y tế", "Đài", "Công an", "Bảo hiểm", "Ban", "Dân tộc"]
    assert vietnamese_sorted(names) == [
        "Ban", "Bảo hiểm", "Công an", "Dân tộc", "Đài", "Sở Y tế", "Ủy ban"]


def test_letters_with_marks_follow_their_base_letter():
    # a < ă < â, d < đ, o < ô < ơ, u < ư
    assert vietnamese_sorted(["ơ", "o", "ô"]) == ["o", "ô", "ơ"]
    assert vietnamese_sorted(["â", "ă", "a"]) == ["a", "ă", "â"]
    assert vietnamese_sorted(["ư", "u"]) == ["u", "ư"]
    assert sort_key("Dương") < sort_key("Đà")


def test_tones_are_secondary_to_letters():
    # A tone never outranks the next letter: "Bá" still sorts before "Bb".
    assert vietnamese_sorted(["Bb", "Bá"]) == ["Bá", "Bb"]


def test_fold_drops_diacritics_and_maps_d_with_stroke():
    assert fold("Sở Y tế") == "so y te"
    assert fold("Đài Phát thanh") == "dai phat thanh"
    assert fold("  ỦY  BAN ") == "uy ban"


def test_old_and_new_tone_placement_fold_alike():
    assert fold("hoà") == fold("hòa")
    assert fold("thuỷ") == fold("thủy")
    assert fold("Uỷ ban") == fold("Ủy ban")


def test_normalize_gives_nfc_and_maps_eth_to_d():
    decomposed = unicodedata.normalize("NFD", "Sở Y tế")
    assert normalize(decomposed) == "Sở Y tế"
    assert normalize("\u00d0ài \u00f0ông") == "Đài đông"
    assert normalize("a\u200b  b\ufeff") == "a b"


def test_numbers_use_dot_for_thousands_and_comma_for_decimals():
    assert format_number(1250) == "1.250"
    assert format_number(98.5, 1) == "98,5"
    assert format_number(1234567.891, 2) == "1.234.567,89"
