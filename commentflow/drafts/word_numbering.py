"""Word's automatic numbering computed as Word shows it (numbering.xml, styles.xml), per paragraph.

A clerk's draft often carries no number in its text: "I.", "1.1." or "Điều 5." live in
`word/numbering.xml` and are rendered by Word. `Numbering.label(p)` returns, for paragraphs
taken in document order, the label Word would show ("III.", "2.1.", "Điều 5.", "a)", "-"),
so an auto-numbered draft reads and splits exactly like its typed twin.

Rules followed (ECMA-376 §17.9 and what Word does with them):
- a paragraph's numbering comes from its own `w:numPr`, else from its style's, through the
  `w:basedOn` chain; `w:numId` 0 removes numbering; without `w:ilvl` a style-carried list takes
  the level whose `w:pStyle` names that style, else level 0;
- `w:num` instances of one `w:abstractNum` share their counters (Word continues the list)
  unless the instance overrides a level's start (`w:lvlOverride/w:startOverride`), which is how
  Word writes "Restart at …": such an instance counts on its own;
- a level restarts when a shallower level is used, or only after the level `w:lvlRestart`
  names (0: never);
- formats: decimal (and zero-padded), upper/lower Roman, upper/lower letter (a…z, aa…),
  ordinal and plain text forms fall back to decimal; `w:isLgl` shows every level in decimal;
  bullets become "-" (and "+" below the first level), as typed Vietnamese drafts write them.
Word's letters have no "đ": an auto-numbered legal draft keeps what Word shows (a, b, c, d, e).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PLACEHOLDER = re.compile(r"%([1-9])")
_TYPED_BULLETS = ("-", "+", "–", "—")


@dataclass
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    restart: int | None = None  #: lvlRestart as written (None: after any shallower level)
    is_legal: bool = False
    hidden: bool = False
    style: str = ""  #: the paragraph style this level is linked to, if any


@dataclass
class _Instance:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)  #: startOverride per level
    levels: dict[int, Level] = field(default_factory=dict)  #: lvl given in the override


def _val(element, name: str) -> str | None:
    child = element.find(W + name) if element is not None else None
    return child.get(W + "val") if child is not None else None


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _on(element, name: str) -> bool:
    child = element.find(W + name)
    return child is not None and child.get(W + "val", "true") not in ("0", "false", "off")


def _level(lvl) -> Level:
    restart = lvl.find(W + "lvlRestart")
    rpr = lvl.find(W + "rPr")
    return Level(start=_int(_val(lvl, "start"), 1),
                 fmt=_val(lvl, "numFmt") or "decimal",
                 text=_val(lvl, "lvlText") if lvl.find(W + "lvlText") is not None else "",
                 restart=_int(restart.get(W + "val")) if restart is not None else None,
                 is_legal=_on(lvl, "isLgl"),
                 hidden=rpr is not None and _on(rpr, "vanish"),
                 style=_val(lvl, "pStyle") or "")


def roman(number: int) -> str:
    if number <= 0:
        return str(number)
    out = []
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                           (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                           (4, "IV"), (1, "I")):
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def letter(number: int) -> str:
    """Word's letter numbering: a … z, then aa … zz, aaa …"""
    if number <= 0:
        return str(number)
    return chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)


def formatted(number: int, fmt: str) -> str:
    if fmt == "upperRoman":
        return roman(number)
    if fmt == "lowerRoman":
        return roman(number).lower()
    if fmt == "upperLetter":
        return letter(number).upper()
    if fmt == "lowerLetter":
        return letter(number)
    if fmt == "decimalZero":
        return f"{number:02d}"
    if fmt == "none":
        return ""
    return str(number)  # decimal, ordinal, cardinalText … read as the number they stand for


class Numbering:
    """Numbering definitions of one document and the running counters of its lists."""

    def __init__(self, numbering_root=None, styles_root=None):
        self.abstracts: dict[str, dict[int, Level]] = {}
        self.style_links: dict[str, str] = {}  #: numStyleLink style id → abstract with it
        self.num_style_link: dict[str, str] = {}  #: abstract id → numbering style it follows
        self.instances: dict[str, _Instance] = {}
        self.styles: dict[str, dict] = {}
        self.default_style = ""
        self.counters: dict[str, dict[int, int]] = {}
        if numbering_root is not None:
            self._read_numbering(numbering_root)
        if styles_root is not None:
            self._read_styles(styles_root)

    # ------------------------------------------------------------ reading the definitions

    def _read_numbering(self, root) -> None:
        for abstract in root.iter(W + "abstractNum"):
            key = abstract.get(W + "abstractNumId", "")
            self.abstracts[key] = {_int(lvl.get(W + "ilvl"), 0): _level(lvl)
                                   for lvl in abstract.findall(W + "lvl")}
            if (link := _val(abstract, "styleLink")) is not None:
                self.style_links[link] = key
            if (link := _val(abstract, "numStyleLink")) is not None:
                self.num_style_link[key] = link
        for num in root.iter(W + "num"):
            instance = _Instance(abstract=_val(num, "abstractNumId") or "")
            for override in num.findall(W + "lvlOverride"):
                ilvl = _int(override.get(W + "ilvl"), 0)
                start = _int(_val(override, "startOverride"))
                if start is not None:
                    instance.starts[ilvl] = start
                lvl = override.find(W + "lvl")
                if lvl is not None:
                    instance.levels[ilvl] = _level(lvl)
            self.instances[num.get(W + "numId", "")] = instance

    def _read_styles(self, root) -> None:
        for style in root.iter(W + "style"):
            if style.get(W + "type", "paragraph") != "paragraph":
                continue
            style_id = style.get(W + "styleId", "")
            ppr = style.find(W + "pPr")
            numpr = ppr.find(W + "numPr") if ppr is not None else None
            name = (_val(style, "name") or "").strip().lower()
            self.styles[style_id] = {
                "based_on": _val(style, "basedOn"),
                "num_id": _val(numpr, "numId") if numpr is not None else None,
                "ilvl": _int(_val(numpr, "ilvl")) if numpr is not None else None,
                "outline": _int(_val(ppr, "outlineLvl")) if ppr is not None else None,
                "name": name,
            }
            if style.get(W + "default") in ("1", "true", "on"):
                self.default_style = style_id

    # ------------------------------------------------------------ per paragraph

    def _style_chain(self, style_id: str):
        seen = set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            yield style_id, self.styles[style_id]
            style_id = self.styles[style_id]["based_on"]

    def _numbering_of(self, ppr) -> tuple[str, int | None, str] | None:
        """(numId, ilvl or None, style it came from) for a paragraph's properties."""
        numpr = ppr.find(W + "numPr") if ppr is not None else None
        style_id = _val(ppr, "pStyle") if ppr is not None else None
        style_id = style_id or self.default_style
        num_id = _val(numpr, "numId") if numpr is not None else None
        ilvl = _int(_val(numpr, "ilvl")) if numpr is not None else None
        from_style = ""
        if num_id is None or ilvl is None:
            for sid, style in self._style_chain(style_id):
                if num_id is None and style["num_id"] is not None:
                    num_id, from_style = style["num_id"], sid
                if ilvl is None and style["ilvl"] is not None:
                    ilvl = style["ilvl"]
                if num_id is not None and ilvl is not None:
                    break
        if num_id is None or num_id == "0" or num_id not in self.instances:
            return None
        return num_id, ilvl, from_style

    def heading_level(self, ppr) -> int | None:
        """1-based outline level from w:outlineLvl or a "Heading N"/"Tiêu đề N" style, else None."""
        own = _int(_val(ppr, "outlineLvl")) if ppr is not None else None
        if own is not None:
            return own + 1 if own < 9 else None
        style_id = (_val(ppr, "pStyle") if ppr is not None else None) or self.default_style
        for sid, style in self._style_chain(style_id):
            if style["outline"] is not None:
                return style["outline"] + 1 if style["outline"] < 9 else None
            match = re.fullmatch(r"(?:heading|tiêu đề|đầu đề)\s*([1-9])", style["name"]) or \
                re.fullmatch(r"heading([1-9])", sid.lower())
            if match:
                return int(match.group(1))
        return None

    def is_contents_entry(self, ppr) -> bool:
        """A paragraph in a table-of-contents style ("toc 1" … "toc 9", "TOC Heading")."""
        style_id = (_val(ppr, "pStyle") if ppr is not None else None) or ""
        name = self.styles.get(style_id, {}).get("name", "")
        return bool(re.match(r"toc(\s?\d|\s?heading)", style_id.lower())
                    or re.match(r"toc (\d|heading)", name))

    def _abstract_of(self, instance: _Instance) -> tuple[str, dict[int, Level]]:
        key = instance.abstract
        link = self.num_style_link.get(key)
        if link is not None:  # a list that follows a numbering style: use the style's list
            target = self.style_links.get(link)
            style = self.styles.get(link)
            if target is None and style and style["num_id"] in self.instances:
                target = self.instances[style["num_id"]].abstract
            key = target or key
        return key, self.abstracts.get(key, {})

    def label(self, ppr) -> str:
        """The label Word shows for this paragraph ("" when not numbered); advances counters."""
        found = self._numbering_of(ppr)
        if found is None:
            return ""
        num_id, ilvl, from_style = found
        instance = self.instances[num_id]
        key, defined = self._abstract_of(instance)
        levels = {**defined, **instance.levels}
        if ilvl is None:
            ilvl = next((i for i, lvl in levels.items() if from_style and lvl.style == from_style),
                        0)
        ilvl = max(0, min(ilvl, 8))
        level = levels.get(ilvl)
        if level is None:
            return ""
        counter_key = f"num:{num_id}" if instance.starts else f"abstract:{key}"
        counters = self.counters.setdefault(counter_key, {})

        def start(index: int) -> int:
            if index in instance.starts:
                return instance.starts[index]
            return levels[index].start if index in levels else 1

        counters[ilvl] = counters.get(ilvl, start(ilvl) - 1) + 1
        for deeper in [d for d in counters if d > ilvl]:
            threshold = levels[deeper].restart if deeper in levels else None
            threshold = deeper if threshold is None else threshold
            if threshold and ilvl < threshold:
                del counters[deeper]
        if level.hidden:
            return ""
        if level.fmt == "bullet":  # a dash or plus as typed; any other glyph by its level
            shown = level.text.strip()
            return shown if shown in _TYPED_BULLETS else ("-" if ilvl == 0 else "+")

        def value(match) -> str:
            index = int(match.group(1)) - 1
            number = counters.get(index, start(index))
            fmt = levels[index].fmt if index in levels else "decimal"
            return formatted(number, "decimal" if level.is_legal and fmt != "none" else fmt)

        return _PLACEHOLDER.sub(value, level.text).strip()
