"""Benchmark: two long versions of a draft aligned, and the redline .docx between them.

Version 1 is the Cao Minh plan written 150 times over (3,906 sections, about 750 pages;
each longer paragraph made unique); version 2 changes 5 % of its paragraphs: edited words,
a few inserted and removed. Both are read once; then, in a fresh process, align() and
redline() are timed (best of 3) with the process's peak memory. Targets (issue 15, for
3,900 sections): aligning < 3 s; the redline < 5 s and < 500 MB.

Run: .venv/bin/python bench/align_versions.py
"""
import io
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from docx import Document

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.extract_replies import distinct  # noqa: E402
from bench.read_drafts import copies_of  # noqa: E402

PLAN = ROOT / "tests" / "fixtures" / "samples" / "ke-hoach-cao-minh-2026.docx"
CHILD = """
import json, sys, time
from datetime import UTC, datetime
sys.path.insert(0, {root!r})
from commentflow.drafts.alignment import align
from commentflow.drafts.parsing import parse_blocks, walk
from commentflow.drafts.reading import read_document
from commentflow.drafts.redline import redline
old, new = (parse_blocks(read_document(open(p, "rb").read(), "v.docx",
                                       max_bytes=200 * 2**20).blocks) for p in {paths!r})
started = time.perf_counter()
pairs = align(old, new)
aligned = time.perf_counter() - started
started = time.perf_counter()
data = redline(pairs, title="Dự thảo lần 2", author="bench", when=datetime.now(UTC))
redlined = time.perf_counter() - started
peak = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) // 1024
changes = {{}}
for pair in pairs:
    changes[pair.change] = changes.get(pair.change, 0) + 1
print(json.dumps({{"sections": sum(1 for _ in walk(old)), "align": aligned,
                  "redline": redlined, "peak": peak, "size": len(data), "changes": changes}}))
"""


def second_version(data: bytes, share: float, rng: random.Random) -> bytes:
    document = Document(io.BytesIO(data))
    paragraphs = [p for p in document.paragraphs if len(p.text) > 60 and p.runs]
    for paragraph in rng.sample(paragraphs, int(len(paragraphs) * share)):
        action = rng.random()
        if action < 0.7:  # a few words changed
            paragraph.runs[-1].text += " và bảo đảm tiến độ, chất lượng theo quy định"
        elif action < 0.85:  # removed
            paragraph._p.getparent().remove(paragraph._p)
        else:  # a new paragraph before it
            paragraph.insert_paragraph_before(
                "- Bổ sung nhiệm vụ kiểm tra, giám sát định kỳ hằng quý.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def main() -> None:
    rng = random.Random(15)
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        first = distinct(copies_of(PLAN.read_bytes(), 150))  # 3,906 sections
        (work / "v1.docx").write_bytes(first)
        (work / "v2.docx").write_bytes(second_version(first, 0.05, rng))
        code = CHILD.format(root=str(ROOT), paths=(str(work / "v1.docx"), str(work / "v2.docx")))
        runs = [json.loads(subprocess.run([sys.executable, "-c", code], check=True,
                                          capture_output=True, text=True, timeout=600)
                           .stdout.strip().splitlines()[-1]) for _ in range(3)]
        best = min(runs, key=lambda r: r["align"] + r["redline"])
        print(f"sections in version 1: {best['sections']}")
        print(f"changes found: {best['changes']}")
        print(f"align: {best['align']:.2f} s (target < 3 s)")
        print(f"redline .docx: {best['redline']:.2f} s, {best['size'] // 1024} KB "
              f"(target < 5 s)")
        print(f"peak memory of the process: {best['peak']} MB (target < 500 MB)")


if __name__ == "__main__":
    main()
