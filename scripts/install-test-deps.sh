#!/usr/bin/env bash
# Installs the Debian packages the test suite needs (PostgreSQL server, Chromium, LibreOffice
# and poppler for rendering and reading documents, Tesseract with Vietnamese for scans, nginx
# for the deployment's front) when missing.
set -euo pipefail

missing=()
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
command -v runuser >/dev/null 2>&1 || missing+=(util-linux)
# LibreOffice renders the generated letters and reports to PDF; pdftotext reads them back.
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
# poppler-utils: pdfinfo, pdftotext, pdftoppm and pdfimages read PDF drafts and scans.
for tool in pdfinfo pdftotext pdftoppm pdfimages; do
  command -v "$tool" >/dev/null 2>&1 || { missing+=(poppler-utils); break; }
done
# Drafts as they arrive: scans are read by Tesseract in Vietnamese.
command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr)
ls /usr/share/tesseract-ocr/*/tessdata/vie.traineddata >/dev/null 2>&1 || \
  missing+=(tesseract-ocr-vie)
# deploy/nginx.conf's writing lane is tried with a real nginx.
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
# docs/api.md's examples are run as written: curl calls the API, jq reads its answers.
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v jq >/dev/null 2>&1 || missing+=(jq)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing Debian packages for the tests: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" fonts-liberation
