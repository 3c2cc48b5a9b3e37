"""Benchmark: what a hostile or broken upload costs before it is refused.

Each case is read by read_draft in a fresh process, which prints its outcome, the seconds
spent and its peak memory (VmHWM). The expanding part is the outside probe's file: 1.3 MB
whose document.xml expands to 199 MB, under the old total (200 MB) and ratio (200×) limits,
which took a gunicorn worker to 3.2 GB and a WORKER TIMEOUT. A real 300-page draft is
measured beside them for comparison.

Target (issue 11): the expanding file refused in under 2 s, the process under 300 MB.
Run: .venv/bin/python bench/hostile_uploads.py
"""
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CASES = ("expanding part (199 MB)", "DTD in UTF-16", "main part renamed, DTD",
         "remote template", "ZipCrypto flag", "wrong CRC", "deflate64",
         "ordinary 300-page draft", "largest accepted part (15 MB)")


def make(case: str, path: Path) -> None:
    from tests.fixtures import hostile

    if case.startswith("expanding"):
        hostile.expanding_docx(path, 199 * 1024 * 1024)
        return
    if case.startswith("largest"):  # just under the 16 MB ceiling on one XML part
        hostile.expanding_docx(path, 15 * 1024 * 1024)
        return
    if case.startswith("ordinary"):
        lines = [f"{n}. Nhiệm vụ số {n}: triển khai thực hiện kế hoạch tại các đơn vị." * 3
                 for n in range(1, 6000)]
        path.write_bytes(hostile.docx("I. MỤC ĐÍCH", *lines))
        return
    maker = {"DTD in UTF-16": hostile.utf16_entity_docx,
             "main part renamed, DTD": hostile.renamed_main_part_docx,
             "remote template": lambda: hostile.with_settings_relationship(
                 "http://x.example/t.dotm"),
             "ZipCrypto flag": hostile.encrypted_flag_docx,
             "wrong CRC": hostile.wrong_crc_docx, "deflate64": hostile.deflate64_docx}[case]
    path.write_bytes(maker())


def measure(path: str) -> None:
    """In the child: read the file as an upload, print outcome, seconds and peak MB."""
    from commentflow import create_app
    from commentflow.core.errors import ValidationFailed
    from commentflow.drafts.reading import read_draft

    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "bench"})
    data = Path(path).read_bytes()
    with app.test_request_context():
        started = time.perf_counter()
        try:
            outcome = f"read, {len(read_draft(data, 'x.docx', max_bytes=50 * 2**20))} blocks"
        except ValidationFailed as refusal:
            outcome = "refused: " + refusal.message[:60]
        seconds = time.perf_counter() - started
    peak = next(int(line.split()[1]) for line in open("/proc/self/status")
                if line.startswith("VmHWM")) // 1024
    print(f"{seconds:.3f}\t{peak}\t{len(data)}\t{outcome}")


def main() -> None:
    print(f"{'case':<26}{'file':>9}{'seconds':>9}{'peak MB':>9}  outcome")
    with tempfile.TemporaryDirectory() as folder:
        for case in CASES:
            path = Path(folder) / "case.docx"
            make(case, path)
            out = subprocess.run([sys.executable, __file__, "--measure", str(path)], cwd=ROOT,
                                 capture_output=True, text=True, check=True).stdout
            seconds, peak, size, outcome = out.strip().split("\t")
            print(f"{case:<26}{int(size) / 2**20:>7.1f}MB{float(seconds):>9.3f}{peak:>9}  "
                  f"{outcome}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        measure(sys.argv[2])
    else:
        main()
