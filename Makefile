# rkeras: one entry point for setup, generation, tests, docs, demo and benchmarks.
# `make setup` is idempotent: stamps and file dependencies make a second run take seconds.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

ROOT := $(abspath .)
VENV := $(ROOT)/.venv
PY := $(VENV)/bin/python
RLIB := $(ROOT)/.rlib
STAMPS := .stamps
PKG := r-package

# Every target that runs R finds Python and the project library this way.
export RETICULATE_PYTHON := $(PY)
export R_LIBS := $(RLIB)
export R_LIBS_USER := $(RLIB)
export TF_CPP_MIN_LOG_LEVEL := 2
# testthat skips the slow fresh-process tests (save/reload, no-keras message) unless told it is not CRAN.
export NOT_CRAN := true
# R CMD check --as-cran without network access or TeX.
export _R_CHECK_CRAN_INCOMING_ := false
export _R_CHECK_CRAN_INCOMING_REMOTE_ := false
export _R_CHECK_SYSTEM_CLOCK_ := 0
export _R_CHECK_FORCE_SUGGESTS_ := false
export R_PROFILE_USER := $(ROOT)/tools/Rprofile
export RKERAS_ROOT := $(ROOT)

APT_PACKAGES := r-base-core r-cran-reticulate r-cran-testthat r-cran-roxygen2 r-cran-knitr r-cran-ggplot2 \
  r-cran-rmarkdown r-cran-pkgdown r-cran-cli r-cran-rlang r-cran-generics qpdf pandoc tidy \
  chromium python3-venv

R_SOURCES := $(shell find $(PKG)/R $(PKG)/inst $(PKG)/tests $(PKG)/vignettes -type f 2>/dev/null) \
  $(PKG)/DESCRIPTION $(PKG)/NAMESPACE

.PHONY: help setup generate document install test test-lane-r test-lane-r-start test-lane-other test-python test-r check-generated \
  check-docs check-r check-site test-install demo docs bench setup-backends test-backends lint clean

help:
	@echo "make setup   install everything (Debian R packages, .venv, .rlib)"
	@echo "make demo    regenerate, install and run the attention demo"
	@echo "make test    every test: pytest, codegen check, docs sync, testthat, R CMD check"
	@echo "make docs    build the pkgdown site into $(PKG)/docs"
	@echo "make bench   run the benchmarks"
	@echo "make test-backends   attention tests under jax and torch (make setup-backends installs them)"

setup: $(STAMPS)/apt $(STAMPS)/venv $(STAMPS)/rlib

$(STAMPS)/apt:
	@mkdir -p $(STAMPS)
	@missing=$$(for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:" $$missing; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@touch $@

# Built on Debian's Python: a pyenv Python started from R loads the wrong libpython.
$(STAMPS)/venv: requirements.lock pyproject.toml | $(STAMPS)/apt
	@mkdir -p $(STAMPS)
	@[ -x $(PY) ] || /usr/bin/python3 -m venv $(VENV)
	$(PY) -m pip install -q -r requirements.lock
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	@touch $@

$(STAMPS)/rlib: $(R_SOURCES) | $(STAMPS)/apt
	@mkdir -p $(RLIB)
	R CMD INSTALL --no-multiarch --library=$(RLIB) $(PKG) >$(STAMPS)/install.log 2>&1 \
	  || { cat $(STAMPS)/install.log; exit 1; }
	@touch $@

generate: $(STAMPS)/venv
	$(PY) -m codegen generate

document: $(STAMPS)/apt
	Rscript -e 'roxygen2::roxygenise("$(PKG)")'

install: generate document $(STAMPS)/rlib

# Two lanes of about equal length, one per core, each in order and stopping
# at its first failure: the R package's own checks, and the generator's, the
# Python tests and the site (the longest single step). The R lane starts
# while the virtualenv is still being installed (the docs check needs only
# R); the rest waits for it. TensorFlow gets one thread per lane (the models
# in the tests are tiny), so the lanes do not fight over the cores.
test: $(STAMPS)/apt
	@start=$$SECONDS; TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 \
	  $(MAKE) --no-print-directory -j2 test-lane-r test-lane-other; \
	  echo "make test: all checks passed in $$((SECONDS - start)) s (codegen check, docs sync, install path, R CMD check, site check)"
	@bash tools/test_summary.sh $(STAMPS)/pytest.log $(STAMPS)/testthat.log

# Each step reports its wall time, so a slow run shows where the time went.
TIMED_STEPS = for step in $(1); do start=$$SECONDS; $(MAKE) --no-print-directory $$step; \
  echo "make test: $$step took $$((SECONDS - start)) s"; done

test-lane-r: test-lane-r-start $(STAMPS)/venv
	@$(call TIMED_STEPS,test-r test-install check-r)

test-lane-r-start: $(STAMPS)/rlib
	@$(call TIMED_STEPS,check-docs)

test-lane-other: $(STAMPS)/venv $(STAMPS)/rlib
	@$(call TIMED_STEPS,test-python check-generated check-site)

test-python: $(STAMPS)/venv
	$(PY) -m pytest -q tests 2>&1 | tee $(STAMPS)/pytest.log

# drift: every spec against the pinned Keras (arguments, defaults, call, docstring hash).
check-generated: $(STAMPS)/venv
	$(PY) -m codegen check
	$(PY) -m codegen drift

# man/ and NAMESPACE must be exactly what roxygen2 makes of R/, and roxygen2
# must run cleanly: an error or a warning fails the check.
check-docs: $(STAMPS)/apt
	@tmp=$$(mktemp -d); cp -r $(PKG) $$tmp/pkg; \
	if ! Rscript -e 'options(warn = 2); roxygen2::roxygenise("'$$tmp/pkg'")' >$$tmp/roxygen.log 2>&1; then \
	  cat $$tmp/roxygen.log; echo "roxygen2 failed or warned on $(PKG)/R (see above)"; rm -rf $$tmp; exit 1; fi; \
	if ! diff -r $(PKG)/man $$tmp/pkg/man || ! diff $(PKG)/NAMESPACE $$tmp/pkg/NAMESPACE; then \
	  echo "man/ or NAMESPACE is stale: run make document"; rm -rf $$tmp; exit 1; fi; \
	rm -rf $$tmp; echo "man/ and NAMESPACE match roxygen2, which ran without warnings"

test-r: $(STAMPS)/rlib
	Rscript -e 'testthat::test_dir("$(PKG)/tests/testthat", package = "rkeras", load_package = "installed", stop_on_failure = TRUE)' 2>&1 | tee $(STAMPS)/testthat.log

# The R user's install path, end to end: tarball -> empty library ->
# install_rkeras() -> a fresh R process without RETICULATE_PYTHON or the
# project library (the script unsets what this Makefile exports). ~40 s.
test-install: $(STAMPS)/apt
	bash tools/test_install.sh

# Each piece of code runs once in make test: the testthat suite in test-r,
# the examples of every page in check-site (pkgdown runs them and the build
# fails on any error; the browser check wants their output on every page),
# and the vignettes here, in R CMD build. R CMD check running them again
# would add minutes and test nothing new.
check-r: $(STAMPS)/rlib
	@rm -rf build/check && mkdir -p build/check
	cd build/check && R CMD build $(ROOT)/$(PKG) >/dev/null
	cd build/check && R CMD check --as-cran --no-manual --no-tests --no-examples \
	  --no-build-vignettes rkeras_*.tar.gz
	@! grep -E "^Status: .*(ERROR|WARNING|NOTE)" build/check/rkeras.Rcheck/00check.log

demo: setup generate $(STAMPS)/rlib
	Rscript $(PKG)/demo/attention.R

# pkgdown installs the package into a temporary library itself, so examples
# run against exactly these sources.
docs: setup generate document
	Rscript tools/build_site.R

# Builds the site from the sources as they are (never regenerating R/ or man/
# before check-docs has looked), its examples and articles running against
# the rkeras in .rlib, which `setup` installed from these sources, then opens
# every page in headless Chromium.
# The browser check runs even when the build reports failing examples, so one
# run lists every problem. The site goes to build/site, outside the package
# that R CMD build copies in the other lane of make test.
check-site: setup
	@status=0; Rscript tools/build_site.R --dest $(ROOT)/build/site --installed yes || status=$$?; \
	$(PY) tools/check_site.py --site $(ROOT)/build/site || status=1; exit $$status

# The R-surface bench runs on one CPU (see bench/r_overhead.R), where taskset exists.
PIN_ONE_CPU := $(shell command -v taskset >/dev/null && echo taskset -c $$(( $$(nproc) - 1 )))

bench: setup
	$(PY) bench/attention.py
	$(PY) bench/codegen.py
	$(PIN_ONE_CPU) Rscript bench/r_overhead.R
	Rscript bench/library_load.R

# The attention layer under Keras's other backends. Not part of make test: CI
# has TensorFlow only. setup-backends installs torch (CPU wheel) and jax.
setup-backends: $(STAMPS)/venv
	$(PY) -m pip install -q torch==2.13.0 jax==0.7.1 jaxlib==0.7.1 "numpy<2" "ml-dtypes<0.6"

test-backends: $(STAMPS)/venv
	PYTHON=$(PY) bash tools/run_other_backends.sh

lint: $(STAMPS)/venv
	$(PY) -m ruff check codegen tests bench tools $(PKG)/inst/python

clean:
	rm -rf $(STAMPS) $(RLIB) build $(PKG)/docs
