#!/usr/bin/env bash
# The R user's install path, end to end: build the source tarball, install it
# into an empty library, run install_rkeras(), then in a fresh R process with
# no RETICULATE_PYTHON, library(rkeras) must find that virtualenv by itself
# and run an attention model.
#
# Everything lives in one temporary directory, removed at the end: the
# virtualenv root (WORKON_HOME, RETICULATE_VIRTUALENV_ROOT), the R library,
# pip's cache and Keras's config dir, so nothing in $HOME is touched.
# Usage: bash tools/test_install.sh [package source dir, default r-package]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PKG=$(cd "${1:-$ROOT/r-package}" && pwd)
start=$SECONDS
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rkeras-install-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

fail() {
  echo "test-install: FAIL: $*"
  exit 1
}

# The user's R: none of the project's settings (make exports them for every
# target), only the temporary library before the system ones, and a
# virtualenv root of its own.
user_env=(env -u RETICULATE_PYTHON -u RETICULATE_PYTHON_ENV -u R_LIBS_USER -u R_LIBS_SITE
  R_LIBS="$tmp/lib" R_LIBS_USER="$tmp/no-user-lib"
  WORKON_HOME="$tmp/venvs" RETICULATE_VIRTUALENV_ROOT="$tmp/venvs"
  PIP_CACHE_DIR="$tmp/pip-cache" KERAS_HOME="$tmp/keras" TF_CPP_MIN_LOG_LEVEL=2)
mkdir -p "$tmp/lib" "$tmp/venvs" "$tmp/build" "$tmp/work"
# R runs from an empty directory, as a user's would: reticulate 1.28 takes a
# pyproject.toml in the working directory (this repository has one) for a
# poetry project.
cd "$tmp/work"

echo "test-install: building and installing the tarball into an empty library"
# Vignettes need Python; the tarball a user installs is the point here.
(cd "$tmp/build" && "${user_env[@]}" R CMD build --no-build-vignettes --no-manual "$PKG" >"$tmp/build.log" 2>&1) \
  || { cat "$tmp/build.log"; fail "R CMD build"; }
tarball=$(ls "$tmp"/build/rkeras_*.tar.gz)
"${user_env[@]}" R CMD INSTALL --no-multiarch --library="$tmp/lib" "$tarball" >"$tmp/install.log" 2>&1 \
  || { cat "$tmp/install.log"; fail "R CMD INSTALL"; }

echo "test-install: install_rkeras() into $tmp/venvs"
"${user_env[@]}" Rscript -e 'rkeras::install_rkeras()' >"$tmp/install_rkeras.log" 2>&1 \
  || { cat "$tmp/install_rkeras.log"; fail "install_rkeras()"; }
grep -E "Building the virtualenv on|Passed over|finds it by itself|RETICULATE_PYTHON" "$tmp/install_rkeras.log" || true
grep -q "finds it by itself" "$tmp/install_rkeras.log" \
  || { cat "$tmp/install_rkeras.log"; fail "install_rkeras() did not say library(rkeras) finds the virtualenv"; }
[ -x "$tmp/venvs/r-rkeras/bin/python" ] || fail "no virtualenv at $tmp/venvs/r-rkeras"

echo "test-install: a fresh R process, no RETICULATE_PYTHON"
# library(rkeras) must not start Python (3-5 s) and must be quick. Loading
# reticulate alone takes 0.5-1.6 s here, swinging with the machine's load,
# so the bound is on what rkeras adds once its imports are loaded; the
# whole cold library() time is reported.
cat >"$tmp/load.R" <<'EOF'
imports <- system.time(for (p in c("reticulate", "cli", "rlang", "generics")) loadNamespace(p))[["elapsed"]]
own <- system.time(library(rkeras))[["elapsed"]]
cat(sprintf("library(rkeras): %.2f s (%.2f s loading reticulate, cli, rlang, generics; %.2f s rkeras itself)\n", imports + own, imports, own))
stopifnot(
  "library(rkeras) started Python" = !reticulate::py_available(),
  "library(rkeras) itself took 0.5 s or more" = own < 0.5
)
EOF
"${user_env[@]}" Rscript "$tmp/load.R" >"$tmp/load.log" 2>&1 \
  || { cat "$tmp/load.log"; fail "library(rkeras) in a fresh process (see above)"; }
grep "^library(rkeras):" "$tmp/load.log"

cat >"$tmp/use.R" <<'EOF'
library(rkeras)
query <- keras_input(shape = c(3, 4))
value <- keras_input(shape = c(5, 4))
model <- keras_model(list(query, value), layer_attention(list(query, value)))
q <- array(runif(2 * 3 * 4), c(2, 3, 4))
v <- array(runif(2 * 5 * 4), c(2, 5, 4))
out <- predict(model, list(q, v), verbose = 0)
# The virtualenv's python links to the system one, so compare prefixes.
prefix <- normalizePath(reticulate::import("sys")$prefix)
expected <- normalizePath(file.path(Sys.getenv("WORKON_HOME"), "r-rkeras"))
cat(sprintf("model: sys.prefix %s; output dims %s\n", prefix, paste(dim(out), collapse = " x ")))
stopifnot(
  "the model did not run on the r-rkeras virtualenv" = identical(prefix, expected),
  "predict() did not return a 2 x 3 x 4 array" = identical(dim(out), c(2L, 3L, 4L)),
  "predict() returned non-finite values" = all(is.finite(out))
)
EOF
"${user_env[@]}" Rscript "$tmp/use.R" >"$tmp/use.log" 2>&1 \
  || { cat "$tmp/use.log"; fail "the fresh R process could not use the virtualenv (see above)"; }
grep "^model:" "$tmp/use.log"

# Removing the 1.6 GB virtualenv is part of the run's cost, so it is timed.
cd /
rm -rf "$tmp"
trap - EXIT
echo "test-install: PASS: tarball -> install_rkeras() -> library(rkeras) -> layer_attention() in $((SECONDS - start)) s, clean-up included"
