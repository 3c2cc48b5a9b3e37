"""Benchmark: a reply of 200 comments on a 500-page draft, read into placed comments.

Three replies to the same 500-page auto-numbered draft (the Cao Minh plan written 100 times
over): the draft sent back with 200 margin comments, with 200 tracked changes, and a reply
letter of 200 numbered paragraphs citing sections. Each is read (read_reply, with the draft's
outline already made, as the pages have it from the database) in a fresh process; prints the
seconds (best of 3), the comments found, how many were placed confidently, and peak memory.
Target (issue 14): under 3 s.

Run: .venv/bin/python bench/extract_replies.py
"""
import io
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from docx import Document
from docx.oxml import parse_xml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.read_drafts import copies_of  # noqa: E402
from tests.fixtures.office import auto_numbered  # noqa: E402

PLAN = ROOT / "tests" / "fixtures" / "samples" / "ke-hoach-cao-minh-2026.docx"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CHILD = """
import json, sys, time
sys.path.insert(0, {root!r})
from commentflow.drafts.parsing import parse_blocks
from commentflow.drafts.reading import read_document
from commentflow.responses.reply_reading import read_reply
draft = open({draft!r}, "rb").read()
top = parse_blocks(read_document(draft, "draft.docx", max_bytes=200 * 2**20).blocks)
data = open({reply!r}, "rb").read()
started = time.perf_counter()
reading = read_reply(data, {name!r}, top, max_bytes=200 * 2**20)
seconds = time.perf_counter() - started
peak = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) // 1024
print(json.dumps({{"seconds": seconds, "found": len(reading.candidates),
                  "sure": sum(c.confident for c in reading.candidates), "peak": peak}}))
"""


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def commented(draft: bytes, count: int, rng: random.Random) -> bytes:
    document = Document(io.BytesIO(draft))
    paragraphs = [p for p in document.paragraphs if len(p.text) > 30 and p.runs]
    for paragraph in rng.sample(paragraphs, count):
        document.add_comment(paragraph.runs, text="Đề nghị làm rõ nội dung này.", author="STC")
    return _save(document)


def tracked(draft: bytes, count: int, rng: random.Random) -> bytes:
    document = Document(io.BytesIO(draft))
    paragraphs = [p for p in document.paragraphs if len(p.text) > 30 and p.runs]
    for number, paragraph in enumerate(rng.sample(paragraphs, count)):
        paragraph._p.append(parse_xml(f'<w:ins {W} w:id="{number + 1}" w:author="STC"><w:r>'
                                      f'<w:t xml:space="preserve"> (bổ sung {number})</w:t>'
                                      f'</w:r></w:ins>'))
    return _save(document)


def letter(count: int) -> bytes:
    lines = ["SỞ TÀI CHÍNH", "Số: 1875/STC-QLNS", "An Giang, ngày 18 tháng 11 năm 2026",
             "Sở Tài chính có ý kiến như sau:"]
    romans = ["I", "II", "III", "IV", "V"]
    for number in range(count):
        lines.append(f"{number + 1}. Tại khoản {number % 3 + 1} Mục {romans[number % 5]}: "
                     f"đề nghị sửa thành “Nội dung sửa đổi số {number + 1}”.")
    lines.append("Trên đây là ý kiến của Sở Tài chính.")
    return "\n".join(lines).encode()


def distinct(draft: bytes) -> bytes:
    """Each longer paragraph made unique (a real 500-page draft does not repeat itself)."""
    document = Document(io.BytesIO(draft))
    for number, paragraph in enumerate(document.paragraphs):
        if len(paragraph.text) > 30 and paragraph.runs:
            paragraph.runs[-1].text += f" (đoạn {number})"
    return _save(document)


def main() -> None:
    rng = random.Random(14)
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        draft = distinct(copies_of(auto_numbered(PLAN), 100))
        (work / "draft.docx").write_bytes(draft)
        replies = [("200 margin comments", "comments.docx", commented(draft, 200, rng)),
                   ("200 tracked changes", "tracked.docx", tracked(draft, 200, rng)),
                   ("letter, 200 paragraphs", "letter.txt", letter(200))]
        print(f"{'reply':<26}{'found':>7}{'placed':>8}{'seconds':>9}{'peak MB':>9}")
        for label, name, data in replies:
            (work / name).write_bytes(data)
            code = CHILD.format(root=str(ROOT), draft=str(work / "draft.docx"),
                                reply=str(work / name), name=name)
            runs = [json.loads(subprocess.run([sys.executable, "-c", code], check=True,
                                              capture_output=True, text=True,
                                              timeout=300).stdout.strip().splitlines()[-1])
                    for _ in range(3)]
            best = min(runs, key=lambda r: r["seconds"])
            print(f"{label:<26}{best['found']:>7}{best['sure']:>8}{best['seconds']:>9.2f}"
                  f"{best['peak']:>9}")


if __name__ == "__main__":
    main()
