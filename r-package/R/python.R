# Python modules, loaded lazily: `library(rkeras)` must never start Python.
# Everything that needs Keras goes through keras_module() / py_class(), which
# import on first use and cache what they resolve.

the <- new.env(parent = emptyenv())
the$classes <- new.env(parent = emptyenv())

.onLoad <- function(libname, pkgname) {
  # TensorFlow's C++ start-up chatter is noise to an R user; respect a choice
  # the user already made.
  if (!nzchar(Sys.getenv("TF_CPP_MIN_LOG_LEVEL"))) {
    Sys.setenv(TF_CPP_MIN_LOG_LEVEL = "2")
  }
  # py_require() arrived in reticulate 1.41; older versions find Python
  # through RETICULATE_PYTHON or install_rkeras().
  py_require <- get0("py_require", envir = asNamespace("reticulate"), inherits = FALSE)
  if (is.function(py_require) && !nzchar(Sys.getenv("RETICULATE_PYTHON"))) {
    py_require(python_requirements())
  }
}

python_requirements <- function() {
  c("keras>=3.0", "tensorflow-cpu", "numpy<2", "ml-dtypes<0.6")
}

#' Is Keras available to rkeras?
#'
#' Checks, without failing, whether Python and the `keras` module can be
#' loaded. Use it to guard examples and tests.
#'
#' @returns `TRUE` or `FALSE`.
#' @export
#' @examples
#' is_keras_available()
is_keras_available <- function() {
  if (!is.null(the$keras)) {
    return(TRUE)
  }
  isTRUE(tryCatch(reticulate::py_module_available("keras"), error = function(e) FALSE))
}

keras_module <- function() {
  the$keras %||% load_keras()
}

load_keras <- function() {
  if (!is_keras_available()) {
    abort_no_keras()
  }
  the$keras <- reticulate::import("keras")
  the$builtins <- reticulate::import_builtins()
  the$keras
}

backend_module <- function() {
  the$backend %||% load_backend()
}

# The attention layer ships inside the R package (inst/python), so an
# installed rkeras works without a pip install of rkeras_backend. Importing it
# also registers its classes with Keras, which load_model() relies on.
load_backend <- function() {
  keras_module()
  path <- system.file("python", package = "rkeras", mustWork = TRUE)
  the$backend <- reticulate::import_from_path("rkeras_backend", path = path)
  the$backend
}

compose_in_python <- function() {
  the$compose %||% load_compose()
}

load_compose <- function() {
  keras_module()
  path <- system.file("python", package = "rkeras", mustWork = TRUE)
  the$compose <- reticulate::import_from_path("rkeras_compose", path = path)$compose
  the$compose
}

abort_no_keras <- function(call = rlang::caller_env()) {
  python <- tryCatch(reticulate::py_config()$python, error = function(e) NULL)
  found <- if (is.null(python)) "No Python was found." else "Python {.path {python}} has no {.pkg keras} module."
  cli::cli_abort(
    c(
      "rkeras needs Python with the {.pkg keras} module.",
      "x" = found,
      "i" = "Run {.run rkeras::install_rkeras()} to create a virtualenv with the pinned stack,",
      " " = "or set {.envvar RETICULATE_PYTHON} to a Python that has keras, then restart R."
    ),
    call = call,
    class = "rkeras_no_keras"
  )
}

# Resolve a dotted Python path such as "keras.layers.Dense" or
# "rkeras_backend.Attention" to the class object, once per session.
py_class <- function(path) {
  the$classes[[path]] %||% resolve_py_class(path)
}

resolve_py_class <- function(path) {
  parts <- strsplit(path, ".", fixed = TRUE)[[1]]
  object <- switch(parts[[1]],
    keras = keras_module(),
    rkeras_backend = backend_module(),
    reticulate::import(parts[[1]])
  )
  for (part in parts[-1]) {
    object <- object[[part]]
  }
  assign(path, object, envir = the$classes)
  object
}

# reticulate 1.28 has no py_isinstance(); dispatch on the public Keras class
# through Python's isinstance, never on class-name strings, which broke when
# Keras moved its classes to keras.src.
is_instance <- function(x, path) {
  inherits(x, "python.builtin.object") && the$builtins$isinstance(x, py_class(path))
}

#' Install Python, Keras and TensorFlow for rkeras
#'
#' Creates a virtualenv with the pinned Python stack that rkeras is tested
#' with. Restart R afterwards, and point reticulate at it with
#' `RETICULATE_PYTHON` or [reticulate::use_virtualenv()].
#'
#' @param envname Name of, or path to, the virtualenv to create.
#' @param python The Python to build it on; `NULL` lets reticulate choose.
#' @param packages The Python packages to install.
#' @returns The path of the virtualenv's Python, invisibly.
#' @export
#' @examples
#' # TRUE when Python with keras is ready; if FALSE, run install_rkeras().
#' is_keras_available()
#' \dontrun{
#' install_rkeras()
#' }
install_rkeras <- function(envname = "r-rkeras", python = NULL,
                           packages = c(
                             "keras==3.15.1", "tensorflow-cpu==2.21.0",
                             "numpy<2", "ml-dtypes<0.6"
                           )) {
  if (!rlang::is_string(envname) || !nzchar(envname)) {
    cli::cli_abort("{.arg envname} must be a single non-empty string, not {.obj_type_friendly {envname}}.")
  }
  python_bin <- reticulate::virtualenv_create(envname, python = python)
  reticulate::virtualenv_install(envname, packages = packages, ignore_installed = FALSE)
  cli::cli_inform(c(
    "v" = "Installed {.pkg keras} into virtualenv {.path {envname}}.",
    "i" = "Restart R and set {.code Sys.setenv(RETICULATE_PYTHON = \"{python_bin}\")} before {.code library(rkeras)}."
  ))
  invisible(python_bin)
}
