# Finding Python: install_rkeras() builds a virtualenv on a Python that works
# when R starts it, and .onLoad points reticulate at that virtualenv, by name,
# without starting Python, so no environment variable is needed.

# The virtualenv install_rkeras() makes and library(rkeras) looks for, the way
# keras3 uses "r-keras".
default_envname <- "r-rkeras"

# install_rkeras() installs keras 3.15.1 by default (numpy < 2 because
# reticulate before 1.41 cannot exchange arrays with NumPy 2), which needs
# Python 3.11 or newer.
min_python_version <- "3.11"

.onLoad <- function(libname, pkgname) {
  # TensorFlow's C++ start-up chatter is noise to an R user; respect a choice
  # the user already made.
  if (!nzchar(Sys.getenv("TF_CPP_MIN_LOG_LEVEL"))) {
    Sys.setenv(TF_CPP_MIN_LOG_LEVEL = "2")
  }
  # Looked up by class path on every wrapper call: hashed, not scanned.
  the$layer_calls <- list2env(layer_calls, parent = emptyenv())
  use_default_python()
}

# Tells reticulate which Python to use once something needs it; starts none.
# RETICULATE_PYTHON, when set, always wins. Otherwise the virtualenv that
# install_rkeras() made, then, where reticulate has py_require() (1.41 and
# later), the requirements for the environment reticulate manages itself.
use_default_python <- function() {
  if (nzchar(Sys.getenv("RETICULATE_PYTHON"))) {
    return(invisible("RETICULATE_PYTHON"))
  }
  # virtualenv_exists() resolves the name through WORKON_HOME and
  # RETICULATE_VIRTUALENV_ROOT as reticulate does, and only looks at files.
  if (reticulate::virtualenv_exists(default_envname)) {
    # Not required: a Python the user chose with use_python() still wins.
    reticulate::use_virtualenv(default_envname, required = FALSE)
    return(invisible(default_envname))
  }
  if ("py_require" %in% getNamespaceExports("reticulate")) {
    py_require <- getExportedValue("reticulate", "py_require")
    py_require(python_requirements())
    return(invisible("py_require"))
  }
  invisible(NULL)
}

python_requirements <- function() {
  c("keras>=3.0", "tensorflow-cpu", "numpy<2", "ml-dtypes<0.6")
}

#' Install Python, Keras and TensorFlow for rkeras
#'
#' Creates a virtualenv with the pinned Python stack that rkeras is tested
#' with: keras 3.15.1, tensorflow-cpu 2.21.0, numpy < 2 and ml-dtypes < 0.6.
#'
#' The virtualenv is built on a Python that works when started from R. R sets
#' `LD_LIBRARY_PATH`, and some Pythons (a pyenv build, for one) then load the
#' wrong shared libraries and cannot import `ssl`. So `install_rkeras()` tries,
#' in turn, `python` if given, `/usr/bin/python3`, the `python3` first on the
#' `PATH` and any other `python3.x` on the `PATH`, runs each from R, and uses
#' the first that imports `ssl`, `venv` and `ensurepip` and is Python 3.11 or
#' newer. It says which it passed over and why.
#'
#' With the default `envname`, restart R and `library(rkeras)` finds the
#' virtualenv by itself, where [reticulate::virtualenv_root()] says
#' (`WORKON_HOME` or `RETICULATE_VIRTUALENV_ROOT`, else `~/.virtualenvs`).
#' For any other name, set `RETICULATE_PYTHON` to the Python it prints.
#'
#' @param envname Name of, or path to, the virtualenv to create. An existing
#'   virtualenv gets the packages installed into it.
#' @param python Path to the Python to build the virtualenv on, tried first;
#'   `NULL` tries only the usual places.
#' @param ... Must be empty.
#' @param packages The Python packages to install.
#' @returns The path of the virtualenv's Python binary, invisibly.
#' @export
#' @examples
#' # TRUE when Python with keras is ready; if FALSE, run install_rkeras().
#' is_keras_available()
#' \dontrun{
#' install_rkeras()
#' }
install_rkeras <- function(envname = "r-rkeras", python = NULL, ...,
                           packages = c(
                             "keras==3.15.1", "tensorflow-cpu==2.21.0",
                             "numpy<2", "ml-dtypes<0.6"
                           )) {
  rlang::check_dots_empty()
  if (!rlang::is_string(envname) || !nzchar(envname)) {
    cli::cli_abort("{.arg envname} must be a single non-empty string, not {.obj_type_friendly {envname}}.")
  }
  if (!is.null(python) && (!rlang::is_string(python) || !nzchar(python))) {
    cli::cli_abort("{.arg python} must be `NULL` or the path to a Python, not {.obj_type_friendly {python}}.")
  }
  if (!is.character(packages) || length(packages) == 0 || anyNA(packages)) {
    cli::cli_abort("{.arg packages} must be a character vector of pip requirements, not {.obj_type_friendly {packages}}.")
  }

  starter <- select_starter_python(starter_python_candidates(python))
  # packages = FALSE: the pip that venv bundles installs wheels well enough,
  # and upgrading it first would be one more download.
  reticulate::virtualenv_create(envname, python = starter, packages = FALSE)
  reticulate::virtualenv_install(envname, packages = packages, ignore_installed = FALSE)
  python_bin <- reticulate::virtualenv_python(envname)

  cli::cli_inform(c("v" = "Installed {.val {packages}} into virtualenv {.path {envname}}."))
  chosen <- Sys.getenv("RETICULATE_PYTHON")
  found_by_name <- identical(envname, default_envname) ||
    (reticulate::virtualenv_exists(default_envname) &&
      same_file(python_bin, reticulate::virtualenv_python(default_envname)))
  if (found_by_name && !nzchar(chosen)) {
    cli::cli_inform(c("i" = "Restart R; {.code library(rkeras)} finds it by itself."))
  } else {
    if (nzchar(chosen) && !same_file(chosen, python_bin)) {
      cli::cli_inform(c("!" = "{.envvar RETICULATE_PYTHON} is set to {.path {chosen}}, which wins over this virtualenv."))
    }
    cli::cli_inform(c(
      "i" = "Restart R with {.envvar RETICULATE_PYTHON} set to the virtualenv's Python, for example in {.file ~/.Renviron}:",
      " " = "{.code RETICULATE_PYTHON={python_bin}}"
    ))
  }
  invisible(python_bin)
}

same_file <- function(a, b) {
  file.exists(a) && file.exists(b) &&
    identical(normalizePath(a, mustWork = FALSE), normalizePath(b, mustWork = FALSE))
}

# The Pythons install_rkeras() may build on, most trusted first: the user's
# choice, Debian's and other distributions' system Python, then what the PATH
# offers. One file reached by two paths (a symlink, /bin on a merged /usr) is
# listed once.
starter_python_candidates <- function(python = NULL) {
  path_dirs <- strsplit(Sys.getenv("PATH"), .Platform$path.sep, fixed = TRUE)[[1]]
  path_dirs <- unique(path_dirs[nzchar(path_dirs)])
  versioned <- unlist(lapply(path_dirs, function(dir) {
    found <- list.files(dir, pattern = "^python3\\.[0-9]+$", full.names = TRUE)
    # Newest first: 3.13 before 3.9.
    found[order(numeric_version(sub("^python", "", basename(found))), decreasing = TRUE)]
  }))
  candidates <- c(python, "/usr/bin/python3", unname(Sys.which("python3")), versioned)
  candidates <- candidates[nzchar(candidates)]
  candidates[!duplicated(normalizePath(candidates, mustWork = FALSE))]
}

# Why `python` cannot start a virtualenv for rkeras, as one line, or NULL when
# it can. It is run with system2(), so it sees R's LD_LIBRARY_PATH exactly as
# a Python reticulate starts later will.
starter_python_problem <- function(python) {
  if (!file.exists(python)) {
    return("does not exist")
  }
  if (dir.exists(python)) {
    return("is a directory, not a Python binary")
  }
  if (file.access(python, mode = 1) != 0) {
    return("is not executable")
  }
  code <- "import sys, ssl, venv, ensurepip; print('rkeras-python %d.%d' % sys.version_info[:2])"
  # Output goes to a file: with stdout = TRUE, system2() signals an error
  # instead of returning the output when the shell reports status 127 (a
  # pyenv shim for a version not installed, for one). It quotes the command.
  log <- tempfile("rkeras-python-check")
  on.exit(unlink(log), add = TRUE)
  status <- suppressWarnings(
    system2(python, c("-c", shQuote(code)), stdout = log, stderr = log, timeout = 60)
  )
  out <- if (file.exists(log)) readLines(log, warn = FALSE) else character()
  version_line <- grep("^rkeras-python [0-9]+\\.[0-9]+$", out, value = TRUE)
  if (status != 0L || length(version_line) != 1) {
    out <- trimws(out[nzchar(trimws(out))])
    if (status == 127L) {
      detail <- if (length(out) == 0) "no output" else out[[1]]
      return(sprintf("could not be run (exit status 127): %s", detail))
    }
    # The last line of a traceback names what failed.
    detail <- if (length(out) == 0) "no output" else out[[length(out)]]
    return(sprintf("failed to import ssl, venv and ensurepip (exit status %s): %s", status, detail))
  }
  version <- sub("^rkeras-python ", "", version_line)
  if (numeric_version(version) < numeric_version(min_python_version)) {
    return(sprintf("is Python %s; the pinned keras needs %s or newer", version, min_python_version))
  }
  NULL
}

# The first candidate that works, checking no further. Returns a list:
# `python` (NULL if none works) and `rejected`, the reason for each candidate
# passed over, named by its path.
choose_starter_python <- function(candidates) {
  rejected <- character()
  for (candidate in candidates) {
    problem <- starter_python_problem(candidate)
    if (is.null(problem)) {
      return(list(python = candidate, rejected = rejected))
    }
    rejected[[candidate]] <- problem
  }
  list(python = NULL, rejected = rejected)
}

select_starter_python <- function(candidates, call = rlang::caller_env()) {
  choice <- choose_starter_python(candidates)
  reasons <- sprintf("{.path %s} %s", names(choice$rejected), cli_escape(choice$rejected))
  if (is.null(choice$python)) {
    cli::cli_abort(
      c(
        "Found no Python that works when started from R, to build the virtualenv on.",
        rlang::set_names(reasons, rep("x", length(reasons))),
        "i" = "Install Python {min_python_version} or newer with {.code ssl} and {.code venv} (on Debian: {.code apt-get install python3-venv}), or pass its path as {.arg python}."
      ),
      call = call,
      class = "rkeras_no_starter_python"
    )
  }
  if (length(reasons) > 0) {
    cli::cli_inform(c("Passed over:", rlang::set_names(reasons, rep("x", length(reasons)))))
  }
  cli::cli_inform(c("v" = "Building the virtualenv on {.path {choice$python}}."))
  choice$python
}

# Error text quoted into a cli message must not be read as cli markup.
cli_escape <- function(x) {
  gsub("}", "}}", gsub("{", "{{", x, fixed = TRUE), fixed = TRUE)
}
