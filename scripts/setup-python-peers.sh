#!/usr/bin/env bash
# The Python peers the tests run against: torch (CPU) and numpy (the export tests) and
# ml_dtypes (the reference for the small element formats: fp8, fp6, fp4, e8m0) in a
# cached venv, installed from the machine's pip index (offline: pip's configured local
# index/links). Idempotent: when the venv already imports all three it does nothing; a
# venv that has torch and numpy but lacks ml_dtypes gets ml_dtypes added. The last line printed
# is the venv's python (the tests look there, or at $MPLAB_PYTHON).
#   scripts/setup-python-peers.sh        venv at ${MPLAB_CACHE:-$HOME/.cache/mplab}/venv
set -euo pipefail
VENV="${MPLAB_CACHE:-$HOME/.cache/mplab}/venv"
PY="$VENV/bin/python"
BASE="${MPLAB_PYTHON3:-python3}"

# one setup at a time: two at once remove each other's half-made venv (seen when several
# test runs started together); flock where the system has it
mkdir -p "$(dirname "$VENV")"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$VENV.lock"
  flock 9
fi

if [ -x "$PY" ] && "$PY" -c "import torch, numpy, ml_dtypes" >/dev/null 2>&1; then
  echo "$PY"
  exit 0
fi
if [ -x "$PY" ] && "$PY" -c "import torch, numpy" >/dev/null 2>&1; then
  if "$VENV/bin/pip" install -q --retries 1 "ml_dtypes==0.6.*" && "$PY" -c "import ml_dtypes"; then
    echo "$PY"
    exit 0
  fi
  echo "setup-python-peers: installing ml_dtypes into $VENV failed (see above)" >&2
  exit 1
fi

# Debian's python3 needs python3-venv for `python3 -m venv` (ensurepip)
if ! "$BASE" -c "import ensurepip, venv" >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  else
    echo "setup-python-peers: $BASE has no venv/ensurepip: install python3-venv (apt-get install python3-venv)" >&2
    exit 1
  fi
fi

echo "setup-python-peers: creating $VENV (torch, numpy, ml_dtypes from the local pip index, about 2 minutes)" >&2
rm -rf "$VENV"
mkdir -p "$(dirname "$VENV")"
if ! { "$BASE" -m venv "$VENV" && "$VENV/bin/pip" install -q --retries 1 torch numpy "ml_dtypes==0.6.*" && "$PY" -c "import torch, numpy, ml_dtypes"; }; then
  rm -rf "$VENV" # no half-made venv is taken for a good one
  echo "setup-python-peers: installing torch, numpy and ml_dtypes failed (see above)" >&2
  exit 1
fi
echo "$PY"
