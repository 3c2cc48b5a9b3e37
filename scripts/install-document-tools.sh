#!/usr/bin/env bash
# Installs the Debian packages that read drafts in every format, when missing:
# LibreOffice (.doc/.rtf/.odt), poppler (PDF), Tesseract with Vietnamese (scans).
# With --optional, a machine where apt-get cannot run only gets a warning: the app then
# refuses those formats with a message saying the tool is not installed.
set -euo pipefail

optional=0
[ "${1:-}" = "--optional" ] && optional=1

missing=()
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
# poppler-utils: pdfinfo, pdftotext, pdftoppm and pdfimages read PDF drafts and scans.
for tool in pdfinfo pdftotext pdftoppm pdfimages; do
  command -v "$tool" >/dev/null 2>&1 || { missing+=(poppler-utils); break; }
done
command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr)
[ -e /usr/share/tesseract-ocr/5/tessdata/vie.traineddata ] || \
  ls /usr/share/tesseract-ocr/*/tessdata/vie.traineddata >/dev/null 2>&1 || \
  missing+=(tesseract-ocr-vie)
command -v unshare >/dev/null 2>&1 || missing+=(util-linux)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing Debian packages for reading drafts: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo -n"
fi
export DEBIAN_FRONTEND=noninteractive
if ! { $SUDO apt-get update -q && \
       $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" fonts-liberation; }; then
  if [ $optional -eq 1 ]; then
    echo "WARNING: could not install ${missing[*]}; .doc/.odt/.rtf, PDF and scanned drafts" \
         "will be refused with a message until they are installed." >&2
    exit 0
  fi
  exit 1
fi
