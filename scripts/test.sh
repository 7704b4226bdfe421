#!/usr/bin/env bash
# Installs what the tests need — from Debian's packages Dovecot (the tests start their own
# instance on loopback), tesseract with the data of the seven languages, poppler's
# pdftoppm (OCR of scans), chromium (the browser tests drive it) and systemd-analyze (the
# service units are verified with it); the project and its
# test extras in .venv — then runs the linter and the test suite, in one worker per CPU
# (NOMBOT_TEST_WORKERS overrides the number; 0 runs it in this process). Extra arguments
# go to pytest. PostgreSQL is expected on 127.0.0.1:5432 (NOMBOT_TEST_POSTGRES overrides the URL).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dovecot >/dev/null 2>&1 || ! command -v tesseract >/dev/null 2>&1 \
  || ! command -v pdftoppm >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1 \
  || ! command -v systemd-analyze >/dev/null 2>&1 \
  || [ "$(tesseract --list-langs 2>/dev/null | grep -cxE 'ara|chi_sim|rus|por|spa|fra')" -lt 6 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq dovecot-imapd \
    tesseract-ocr tesseract-ocr-ara tesseract-ocr-chi-sim tesseract-ocr-rus tesseract-ocr-por \
    tesseract-ocr-spa tesseract-ocr-fra poppler-utils chromium systemd >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e '.[test]'

.venv/bin/ruff check bot tests bench
exec .venv/bin/python -m pytest -n "${NOMBOT_TEST_WORKERS:-auto}" --dist loadgroup "$@"
