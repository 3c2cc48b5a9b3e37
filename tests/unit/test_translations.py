"""The English catalog covers every message the code and templates use."""
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def test_every_message_has_an_english_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"),
                                "-k", "_l", "-o", str(pot), str(ROOT / "commentflow"),
                                str(ROOT / "templates")])
    used = {m.id for m in read_po(pot.open("rb")) if m.id}
    with (ROOT / "commentflow/translations/en/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = {m.id: m.string for m in read_po(handle) if m.id}
    assert len(used) > 100  # the extraction really read the code and templates
    untranslated = sorted(i for i in used if not catalog.get(i))
    assert untranslated == [], "run `make translations` and translate these"


def test_the_english_catalog_compiles(tmp_path):
    """A catalog marked fuzzy is silently skipped by `pybabel compile`: it must not be."""
    with (ROOT / "commentflow/translations/en/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle)
    assert not catalog.fuzzy
    assert [m.id for m in catalog if m.id and m.fuzzy] == []
