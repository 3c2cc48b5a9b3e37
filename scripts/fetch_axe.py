"""Fetches axe-core (the accessibility checker the browser tests inject) from the npm
registry into .venv/, once; checked against its known SHA-256. Used by `make test`."""
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

VERSION = "4.10.3"
URL = f"https://registry.npmjs.org/axe-core/-/axe-core-{VERSION}.tgz"
SHA256 = "0f2b4d7dcdf7d1219df8d1959ad68e565f51d14c3f0d88bb71cd59abeb956292"
TARGET = Path(__file__).resolve().parents[1] / ".venv" / f"axe-core-{VERSION}" / "axe.min.js"


def main() -> int:
    if TARGET.exists():
        return 0
    print(f"Fetching axe-core {VERSION} from the npm registry")
    with urllib.request.urlopen(URL, timeout=60) as response:  # noqa: S310 - fixed https URL
        data = response.read()
    if hashlib.sha256(data).hexdigest() != SHA256:
        print("axe-core: the downloaded file does not match its known checksum", file=sys.stderr)
        return 1
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        member = archive.extractfile("package/axe.min.js")
        TARGET.parent.mkdir(parents=True, exist_ok=True)
        TARGET.write_bytes(member.read())
    return 0


if __name__ == "__main__":
    sys.exit(main())
