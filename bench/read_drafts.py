"""Benchmark: drafts as they arrive — Word's automatic numbering, a text PDF, an OCR'd scan.

Each case is read (read_document + parse_blocks) in a fresh process, which prints its
seconds, its sections and the peak memory of itself and of the programs it ran (LibreOffice,
poppler, Tesseract: the largest child's peak). Targets (issue 13): an auto-numbered .docx of
500 pages under 2 s; a text PDF of 100 pages under 5 s; OCR of an 8-page scan at 150 dpi
under 60 s on 2 cores, peak memory under 1 GB.

Run: .venv/bin/python bench/read_drafts.py
"""
import copy
import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PLAN = ROOT / "tests" / "fixtures" / "samples" / "ke-hoach-cao-minh-2026.docx"  # 6 pages

CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from commentflow.drafts.parsing import parse_blocks, walk
from commentflow.drafts.reading import Limits, read_document
data = open({path!r}, "rb").read()
started = time.perf_counter()
reading = read_document(data, {name!r}, max_bytes=200 * 1024 * 1024,
                        limits=Limits(pdf_max_pages=1000, scan_max_pages=100))
sections = sum(1 for _ in walk(parse_blocks(reading.blocks)))
seconds = time.perf_counter() - started
own = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) // 1024
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(json.dumps({{"seconds": seconds, "sections": sections, "kind": reading.kind,
                  "own_mb": own, "child_mb": children}}))
"""


def copies_of(data: bytes, times: int) -> bytes:
    """The plan with its body (from "MỤC ĐÍCH, YÊU CẦU" to the "Nơi nhận" block) written
    `times` times over: the numbering runs on (I. … CDXX.), as in one long plan."""
    from docx import Document

    document = Document(io.BytesIO(data))
    children = list(document.element.body)
    texts = ["".join(t.text or "" for t in child.iter(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t")) for child in children]
    start = next(i for i, text in enumerate(texts) if "MỤC ĐÍCH, YÊU CẦU" in text)
    end = next(i for i, text in enumerate(texts) if text.startswith("Trên đây là Kế hoạch"))
    body = children[start:end]
    anchor = children[end]
    for _ in range(times - 1):
        for child in body:
            anchor.addprevious(copy.deepcopy(child))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    return int(out.split("Pages:")[1].split()[0])


def measure(path: Path, name: str) -> dict:
    code = CHILD.format(root=str(ROOT), path=str(path), name=name)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=600)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    from tests.fixtures.office import auto_numbered, converted, scanned_pdf

    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        print("building the documents (LibreOffice, pdftoppm)…", flush=True)
        auto = copies_of(auto_numbered(PLAN), 100)
        (work / "auto.docx").write_bytes(auto)
        pages_of_auto = pdf_pages_of(auto, work)
        typed = copies_of(PLAN.read_bytes(), 20)
        (work / "plan.pdf").write_bytes(converted(typed, "pdf", work))
        scan = scanned_pdf((work / "plan.pdf").read_bytes(), dpi=150, pages=8)
        (work / "scan.pdf").write_bytes(scan)
        cases = [
            ("auto-numbered .docx", work / "auto.docx", "ke-hoach.docx", pages_of_auto, 2),
            ("text PDF", work / "plan.pdf", "ke-hoach.pdf", pdf_pages(work / "plan.pdf"), 5),
            ("scanned PDF, 150 dpi", work / "scan.pdf", "ban-quet.pdf",
             pdf_pages(work / "scan.pdf"), 60),
        ]
        print(f"{'case':<24}{'pages':>6}{'sections':>10}{'seconds':>9}{'target':>8}"
              f"{'own MB':>8}{'child MB':>10}")
        for label, path, name, pages, target in cases:
            runs = [measure(path, name) for _ in range(1 if target > 10 else 3)]
            best = min(runs, key=lambda r: r["seconds"])
            print(f"{label:<24}{pages:>6}{best['sections']:>10}{best['seconds']:>9.2f}"
                  f"{target:>7}s{best['own_mb']:>8}{best['child_mb']:>10}")


def pdf_pages_of(docx: bytes, work: Path) -> int:
    """How many pages Word's layout gives the .docx (rendered by LibreOffice)."""
    from tests.fixtures.office import converted

    path = work / "auto-pages.pdf"
    path.write_bytes(converted(docx, "pdf", work))
    return pdf_pages(path)


if __name__ == "__main__":
    main()
