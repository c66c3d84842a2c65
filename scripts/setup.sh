#!/usr/bin/env bash
# Set up a fresh Debian machine for callpack: system libraries, fonts, Python packages.
# Safe to run again: every step is idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v apt-get >/dev/null 2>&1; then
  # WeasyPrint needs Pango; libharfbuzz-subset0 makes font subsetting ~35x faster; DejaVu covers
  # the glyphs Noto Sans SC lacks (subscript digits); poppler-utils gives pdftotext/pdftoppm.
  packages="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils"
  missing=""
  for p in $packages; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
  if [ -n "$missing" ]; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
  fi
fi

PYTHON=${PYTHON:-python3}
# argostranslate depends on torch; an unpinned install resolves a multi-GB CUDA build.
# torch 2.13.0 is the CPU wheel available on these machines; install it first.
"$PYTHON" -m pip install -q --disable-pip-version-check "torch==2.13.0" 2>&1 | grep -v "^WARNING" || true
"$PYTHON" -m pip install -q --disable-pip-version-check -e ".[dev,argos]" 2>&1 | grep -v "^WARNING" || true
"$PYTHON" -c "import generator, weasyprint, docx, ctranslate2, argostranslate.package" \
  || { echo "setup: the Python packages did not install" >&2; exit 1; }
echo "setup: ready ($("$PYTHON" --version), callpack $("$PYTHON" -c 'import generator; print(generator.__version__)'))"
