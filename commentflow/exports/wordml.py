"""WordprocessingML written as text: large tables and many comments in linear time.

python-docx's object API re-reads the tree on every row or comment, which grows faster than
linearly; these helpers build the XML of many elements at once and parse it in one go.
"""
from xml.sax.saxutils import escape, quoteattr

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from commentflow.core.text import clean


def text(value: str) -> str:
    """Escaped, without the control characters XML 1.0 cannot carry (whatever was stored)."""
    return escape(clean(value))


def attribute(value: str) -> str:
    return quoteattr(clean(value))


def paragraphs(value: str, rpr: str, ppr: str = "") -> str:
    """One <w:p> per line of the text (an empty text still gives one empty paragraph)."""
    lines = value.split("\n") if value else [""]
    return "".join(
        f'<w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">{text(line)}</w:t></w:r></w:p>'
        if line else f"<w:p>{ppr}</w:p>" for line in lines)


def parse_children(fragment: str, container: str = "w:body") -> list:
    """The elements of an XML fragment, parsed once into python-docx's element classes."""
    return list(parse_xml(f"<{container} {nsdecls('w')}>{fragment}</{container}>"))
