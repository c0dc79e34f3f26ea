#!/usr/bin/env bash
# Closing lines for make test, one per runner (pytest counts tests, testthat
# counts expectations, so they are not added up):
#   pytest: N passed, N failed, N skipped
#   testthat: N passed, N failed, N skipped
set -euo pipefail
pytest_log=$1
testthat_log=$2
pytest_count() { grep -oE "[0-9]+ $1" "$pytest_log" | tail -n 1 | grep -oE "^[0-9]+" || echo 0; }
testthat_count() { grep -oE "$1 [0-9]+" "$testthat_log" | tail -n 1 | grep -oE "[0-9]+$" || echo 0; }
echo "pytest: $(pytest_count passed) passed, $(pytest_count failed) failed, $(pytest_count skipped) skipped"
echo "testthat: $(testthat_count PASS) passed, $(testthat_count FAIL) failed, $(testthat_count SKIP) skipped"
