# install_rkeras() picks the Python to build on by running real candidates
# from R; these tests use the Pythons and executables on this machine.

skip_if_no_system_python <- function() {
  skip_if_not(file.exists("/usr/bin/python3"), "no /usr/bin/python3")
  code <- "import sys, ssl, venv, ensurepip; assert sys.version_info >= (3, 11)"
  ok <- system2("/usr/bin/python3", c("-c", shQuote(code)), stdout = FALSE, stderr = FALSE)
  skip_if(ok != 0L, "/usr/bin/python3 lacks ssl, venv or ensurepip, or is older than 3.11")
}

test_that("a working Python started from R is accepted", {
  skip_if_no_system_python()
  expect_null(rkeras:::starter_python_problem("/usr/bin/python3"))
})

test_that("a path that does not exist, a directory and a non-executable file are rejected with reasons", {
  missing <- file.path(tempdir(), "no-such-dir", "python3")
  expect_identical(rkeras:::starter_python_problem(missing), "does not exist")
  expect_identical(rkeras:::starter_python_problem(tempdir()), "is a directory, not a Python binary")
  plain <- tempfile()
  writeLines("not a program", plain)
  Sys.chmod(plain, "644")
  expect_identical(rkeras:::starter_python_problem(plain), "is not executable")
})

test_that("an executable that is not a working Python is rejected with its exit status", {
  skip_if_not(file.exists("/bin/false"), "no /bin/false")
  expect_identical(
    rkeras:::starter_python_problem("/bin/false"),
    "failed to import ssl, venv and ensurepip (exit status 1): no output"
  )
})

test_that("a Python that cannot import the modules is rejected with the error's last line", {
  # A script standing in for a Python whose ssl is broken, the way R's
  # LD_LIBRARY_PATH breaks a pyenv build.
  fake <- tempfile("python3")
  writeLines(c("#!/bin/sh", "echo 'Traceback (most recent call last):'", "echo \"ImportError: no _ssl\" >&2", "exit 1"), fake)
  Sys.chmod(fake, "755")
  expect_identical(
    rkeras:::starter_python_problem(fake),
    "failed to import ssl, venv and ensurepip (exit status 1): ImportError: no _ssl"
  )
})

test_that("the first working candidate is chosen and the ones before it are reported", {
  skip_if_no_system_python()
  missing <- file.path(tempdir(), "no-such-dir", "python3")
  choice <- rkeras:::choose_starter_python(c(missing, "/bin/false", "/usr/bin/python3", "/also/not/here"))
  expect_identical(choice$python, "/usr/bin/python3")
  expect_identical(names(choice$rejected), c(missing, "/bin/false"))
  expect_identical(choice$rejected[[missing]], "does not exist")
  expect_match(choice$rejected[["/bin/false"]], "exit status 1", fixed = TRUE)

  expect_message(
    chosen <- rkeras:::select_starter_python(c(missing, "/usr/bin/python3")),
    "Building the virtualenv on"
  )
  expect_identical(chosen, "/usr/bin/python3")
})

test_that("no working candidate is an error listing each one and why", {
  missing <- file.path(tempdir(), "no-such-dir", "python3")
  error <- expect_error(
    rkeras:::select_starter_python(c(missing, "/bin/false")),
    class = "rkeras_no_starter_python"
  )
  message <- conditionMessage(error)
  expect_match(message, "Found no Python that works when started from R", fixed = TRUE)
  expect_match(message, missing, fixed = TRUE)
  expect_match(message, "does not exist", fixed = TRUE)
  expect_match(message, "/bin/false", fixed = TRUE)
  expect_match(message, "exit status 1", fixed = TRUE)
})

test_that("candidates start with the user's choice, then the system Python, each file once", {
  candidates <- rkeras:::starter_python_candidates("/bin/false")
  expect_identical(candidates[[1]], "/bin/false")
  expect_identical(candidates[[2]], "/usr/bin/python3")
  expect_false(anyDuplicated(normalizePath(candidates, mustWork = FALSE)) > 0)
  expect_identical(sum(candidates == "/usr/bin/python3"), 1L)
  expect_true(all(grepl("python3(\\.[0-9]+)?$|^/bin/false$", candidates)))
})

test_that("install_rkeras() rejects bad arguments before doing anything", {
  expect_error(install_rkeras(envname = 1), "`envname` must be a single non-empty string, not a number")
  expect_error(install_rkeras(envname = ""), "`envname` must be a single non-empty string")
  expect_error(install_rkeras(python = c("a", "b")), "`python` must be `NULL` or the path to a Python, not a character vector")
  expect_error(install_rkeras(packages = character()), "`packages` must be a character vector of pip requirements")
  expect_error(install_rkeras("r-rkeras", NULL, "extra"), class = "rlib_error_dots_nonempty")
})

test_that("library(rkeras) uses the r-rkeras virtualenv without RETICULATE_PYTHON and without starting Python", {
  skip_on_cran()
  skip_if_no_system_python()
  root <- tempfile("venvs")
  dir.create(root)
  on.exit(unlink(root, recursive = TRUE), add = TRUE)
  # A real, empty virtualenv, named as install_rkeras() names it.
  made <- system2("/usr/bin/python3", c("-m", "venv", "--without-pip", shQuote(file.path(root, "r-rkeras"))))
  expect_identical(made, 0L)
  script <- tempfile(fileext = ".R")
  writeLines(c(
    # From a directory of no project: reticulate prefers a project's own
    # .venv or pyproject.toml (this repository's) to any other choice.
    sprintf("setwd('%s')", root),
    "library(rkeras)",
    "cat('started:', reticulate::py_available(), '\\n')",
    "cat('prefix:', normalizePath(reticulate::import('sys')$prefix), '\\n')"
  ), script)
  # The child starts as a new R session of a user would: no RETICULATE_PYTHON
  # and no activated virtualenv. Once this session has started Python,
  # reticulate has activated its environment here (VIRTUAL_ENV, and its bin/
  # first on PATH), which a child would take for the user's choice.
  path <- strsplit(Sys.getenv("PATH"), .Platform$path.sep, fixed = TRUE)[[1]]
  active <- Sys.getenv("VIRTUAL_ENV")
  if (nzchar(active)) {
    path <- path[!startsWith(path, active)]
  }
  out <- system2(
    "env",
    c(
      "-u", "RETICULATE_PYTHON", "-u", "VIRTUAL_ENV",
      shQuote(paste0("PATH=", paste(path, collapse = .Platform$path.sep))),
      shQuote(paste0("WORKON_HOME=", root)), shQuote(paste0("RETICULATE_VIRTUALENV_ROOT=", root)),
      shQuote(file.path(R.home("bin"), "Rscript")), shQuote(script)
    ),
    stdout = TRUE, stderr = TRUE
  )
  expect_true(any(out == "started: FALSE "), info = paste(out, collapse = "\n"))
  expect_true(
    any(out == paste("prefix:", normalizePath(file.path(root, "r-rkeras")), "")),
    info = paste(out, collapse = "\n")
  )
})
