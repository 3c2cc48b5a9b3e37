"""Merge a {Vietnamese: English} dict (a Python file defining EN) into the English catalog.

Usage: .venv/bin/python scripts/fill_translations.py path/to/dict.py
"""
import runpy
import sys

from babel.messages.pofile import read_po, write_po

CATALOG = "commentflow/translations/en/LC_MESSAGES/messages.po"


def main(path: str) -> None:
    translations = runpy.run_path(path)["EN"]
    with open(CATALOG, "rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id in translations:
            message.string = translations[message.id]
            message.flags.discard("fuzzy")
    catalog.fuzzy = False  # a fuzzy catalog is skipped by `pybabel compile`
    with open(CATALOG, "wb") as handle:
        write_po(handle, catalog, no_location=True, omit_header=False)
    missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    print("untranslated:", missing)


if __name__ == "__main__":
    main(sys.argv[1])
