"""Benchmark: read and split each sample draft and a generated 500-page draft.

Prints, per document: pages (approx.), sections, best-of-N seconds and peak memory (RSS) of a
fresh process that only reads and parses that file. Targets (issue 3): under 0.2 s per sample,
under 5 s for 500 pages, under 300 MB.

Run: .venv/bin/python bench/parse_drafts.py
"""
import io
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SAMPLES = ROOT / "tests" / "fixtures" / "samples"
SAMPLE_NAMES = ["du-thao-ke-hoach-218-kien-giang", "ke-hoach-bac-kan-2026",
                "ke-hoach-cao-minh-2026"]
PARAGRAPHS_PER_PAGE = 12


def generate_500_pages(path: Path) -> None:
    """A plan of 500 pages: Roman parts, items, sub-items, points, bullets and an annex."""
    from docx import Document

    document = Document()
    for line in ("ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG", "Số: /KH-UBND", "KẾ HOẠCH",
                 "Thực hiện chương trình thử nghiệm quy mô lớn",
                 "Căn cứ Luật Tổ chức chính quyền địa phương;"):
        document.add_paragraph(line)
    sentence = ("Tăng cường phối hợp giữa các sở, ban, ngành và Ủy ban nhân dân các huyện, "
                "thành phố trong tổ chức thực hiện nhiệm vụ, bảo đảm tiến độ và chất lượng; ")
    paragraphs = 0
    roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
    target = 480 * PARAGRAPHS_PER_PAGE
    part = 0
    while paragraphs < target:
        document.add_paragraph(f"{roman[part % 10]}. PHẦN NỘI DUNG SỐ {part + 1}")
        for item in range(1, 9):
            document.add_paragraph(f"{item}. Nhiệm vụ trọng tâm số {item}")
            for sub in range(1, 4):
                document.add_paragraph(f"{item}.{sub}. Giải pháp cụ thể {sub}")
                for letter in "abcdđ":
                    document.add_paragraph(f"{letter}) {sentence * 2}")
                    document.add_paragraph(f"- {sentence}")
                    paragraphs += 2
        part += 1
    document.add_paragraph("Nơi nhận:")
    document.add_paragraph("KT. CHỦ TỊCH")
    document.add_paragraph("PHỤ LỤC")
    table = document.add_table(rows=1, cols=6)
    for cell, title in zip(table.rows[0].cells, ["TT", "Nội dung", "Cơ quan chủ trì",
                                                 "Cơ quan phối hợp", "Thời gian hoàn thành",
                                                 "Ghi chú"], strict=True):
        cell.text = title
    for number in range(1, 241):  # about 20 pages of annex rows
        cells = table.add_row().cells
        for cell, value in zip(cells, [str(number), sentence, "Sở Y tế", "Sở Tài chính",
                                       "Quý IV/2026", ""], strict=True):
            cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getvalue())


def measure_one(path: str, repeat: int) -> None:
    """Child process: read + parse `repeat` times; print best seconds, sections, peak RSS."""
    from commentflow.drafts.parsing import parse_blocks, walk
    from commentflow.drafts.reading import read_draft

    data = Path(path).read_bytes()
    best, count = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        top = parse_blocks(read_draft(data, path, max_bytes=200 * 1024 * 1024))
        best = min(best, time.perf_counter() - start)
        count = sum(1 for _ in walk(top))
    chars = sum(len(s.number) + len(s.title) + len(s.text) for s in walk(top))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{best:.4f} {count} {peak_mb:.0f} {chars}")


def run(path: Path, repeat: int) -> tuple[float, int, float, int]:
    output = subprocess.run([sys.executable, __file__, "--one", str(path), str(repeat)],
                            check=True, capture_output=True, text=True).stdout.split()
    return float(output[0]), int(output[1]), float(output[2]), int(output[3])


def main() -> None:
    rows = []
    for name in SAMPLE_NAMES:
        for suffix in (".docx", ".txt"):
            path = SAMPLES / f"{name}{suffix}"
            rows.append((path.name, *run(path, repeat=20)))
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "du-thao-500-trang.docx"
        generate_500_pages(big)
        rows.append(("generated 500-page plan (.docx)", *run(big, repeat=3)))
    print(f"{'document':<40} {'seconds':>8} {'sections':>9} {'characters':>11} "
          f"{'pages*':>7} {'peak MB':>8}")
    for name, seconds, sections, peak, chars in rows:
        print(f"{name:<40} {seconds:>8.3f} {sections:>9} {chars:>11} {chars / 2300:>7.0f} "
              f"{peak:>8.0f}")
    print("* pages estimated at 2,300 characters per A4 page (Times New Roman 13–14 pt)")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        measure_one(sys.argv[2], int(sys.argv[3]))
    else:
        main()
