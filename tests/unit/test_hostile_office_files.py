"""Hostile and broken zip-based office files are refused before anything parses them, with a
message the user understands; ordinary files with hyperlinks or local templates pass."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from commentflow.core.errors import ValidationFailed
from commentflow.drafts.reading import read_draft
from tests.fixtures import hostile

LIMIT = 25 * 1024 * 1024
ROOT = Path(__file__).resolve().parents[2]


def _refusal(data: bytes) -> str:
    with pytest.raises(ValidationFailed) as caught:
        read_draft(data, "du-thao.docx", max_bytes=LIMIT)
    return caught.value.message


def test_a_dtd_is_refused_whatever_the_encoding():
    assert "khai báo XML" in _refusal(hostile.utf16_entity_docx())


def test_a_dtd_is_refused_whatever_the_part_is_called():
    assert "khai báo XML" in _refusal(hostile.renamed_main_part_docx())


@pytest.mark.parametrize("target", ["http://attacker.example/t.dotm",
                                    "https://10.0.0.1/x.dotm", "\\\\server\\share\\t.dotm",
                                    "file://server/share/t.dotm"])
def test_a_remote_template_is_refused(target):
    assert "trên mạng" in _refusal(hostile.with_settings_relationship(target))


@pytest.mark.parametrize("target, kind", [
    ("file:///C:/Users/vanthu/AppData/Roaming/Microsoft/Templates/Normal.dotm",
     "attachedTemplate"),
    ("https://vanban.chinhphu.vn/", "hyperlink"),
])
def test_local_templates_and_hyperlinks_are_ordinary(target, kind):
    data = hostile.with_settings_relationship(target, kind)
    assert [b.text for b in read_draft(data, "du-thao.docx", max_bytes=LIMIT)] == \
        ["I. MỤC ĐÍCH", "1. Mục đích"]


@pytest.mark.parametrize("make, message", [
    (hostile.encrypted_flag_docx, "mật khẩu"),
    (hostile.wrong_crc_docx, "bị hỏng"),
    (hostile.deflate64_docx, "bị hỏng"),
])
def test_broken_archives_get_a_clear_refusal(make, message):
    assert message in _refusal(make())


def test_a_part_that_expands_too_far_is_refused_fast_and_small(tmp_path):
    """The outside probe's file: 1.3 MB that expands to 199 MB of document.xml (under the
    total and ratio limits) drove a worker to 3.2 GB. Read in a fresh process, it is
    refused within 2 s and the process stays under 300 MB."""
    path = tmp_path / "bomb.docx"
    hostile.expanding_docx(path, 199 * 1024 * 1024)
    assert path.stat().st_size < 3 * 1024 * 1024
    script = (
        "import sys, time\n"
        "from commentflow import create_app\n"
        "from commentflow.core.errors import ValidationFailed\n"
        "from commentflow.drafts.reading import read_draft\n"
        "app = create_app({'DATABASE_URL': 'sqlite://', 'SECRET_KEY': 'x'})\n"
        "data = open(sys.argv[1], 'rb').read()\n"
        "with app.test_request_context():\n"
        "    start = time.perf_counter()\n"
        "    try:\n"
        "        read_draft(data, 'bomb.docx', max_bytes=50 * 1024 * 1024)\n"
        "        print('accepted')\n"
        "    except ValidationFailed as refusal:\n"
        "        print('refused', time.perf_counter() - start, refusal.message)\n"
        # VmHWM belongs to this address space; ru_maxrss would carry the forked parent's.
        "print('peak', next(int(line.split()[1]) for line in open('/proc/self/status')\n"
        "                   if line.startswith('VmHWM')) // 1024)\n")
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", script, str(path)], cwd=ROOT, text=True,
                            capture_output=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr[-2000:]
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    seconds = float(lines["refused"].split()[0])
    assert seconds < 2.0 and "nén quá mức hoặc một phần quá lớn" in lines["refused"], lines
    assert int(lines["peak"]) < 300, lines
    assert time.perf_counter() - started < 30
