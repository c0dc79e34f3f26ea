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

# The functions of inst/python/rkeras_compose.py, kept as Python objects:
# reticulate::py_call() on them returns the result unconverted, so R converts
# only what it needs (see as_layer_output()), once.
compose_function <- function(name) {
  if (is.null(the$compose)) {
    load_compose()
  }
  the$compose[[name]]
}

load_compose <- function() {
  # Imported first: the compose module resolves "rkeras_backend.*" classes.
  backend_module()
  path <- system.file("python", package = "rkeras", mustWork = TRUE)
  module <- reticulate::import_from_path("rkeras_compose", path = path)
  the$compose <- lapply(
    c(compose = "compose", call_layer = "call_layer", layer_class = "layer_class", identity = "identity"),
    function(name) reticulate::py_get_attr(module, name)
  )
  the$compose
}

# Python objects to hand to py_call(), each converted once.
#
# reticulate 1.28 passes a classed R object, which every Python object in R
# is, through its R-level r_to_py() generic, whose default method wraps the
# object in a new reference and computes its class vector again: about 12 us
# per tensor. An unclassed holder with a `py_object` attribute, the way
# reticulate itself marks the functions it wraps, takes its C++ path
# instead. Whether this reticulate does so is checked once per session;
# where it does not (or newer versions need no help), objects go unchanged.
#
# `x` is a list of arguments.
as_python_arguments <- function(x) {
  # An empty list (no call arguments) is the common case on the hot path.
  if (!length(x) || !python_holders_work()) {
    return(x)
  }
  python_elements(x, hold = TRUE)
}

# The elements of list `x` as py_call() should receive them, in one pass:
# Python objects in holders where `hold`, R integer arrays as doubles where
# `to_float`, and nested lists likewise. Layer inputs go through here on every
# call, so an element is handled inline and only nested lists recurse.
python_elements <- function(x, hold, to_float = FALSE) {
  for (i in seq_along(x)) {
    item <- x[[i]]
    if (is.list(item)) {
      x[i] <- list(python_elements(item, hold, to_float))
    } else if (hold && inherits(item, "python.builtin.object")) {
      x[[i]] <- python_holder(item)
    } else if (to_float && is.integer(item)) {
      storage.mode(item) <- "double"
      x[[i]] <- item
    }
  }
  x
}

python_holder <- function(x) {
  # A Python object R sees as a function (a callable reticulate wrapped, or a
  # layer instance) carries its reference in `py_object`; any other is an
  # environment that is the reference. Set directly: structure() alone costs
  # 2 us.
  holder <- list()
  attr(holder, "py_object") <- if (is.function(x)) attr(x, "py_object", exact = TRUE) else x
  holder
}

python_holders_work <- function() {
  if (is.null(the$holders_work)) {
    check_python_holders()
  }
  the$holders_work
}

check_python_holders <- function() {
  identity <- compose_function("identity")
  # A Python object as an environment, and one R sees as a function.
  probes <- list(identity, reticulate::py_to_r(identity))
  the$holders_work <- all(vapply(probes, function(probe) {
    passed <- tryCatch(
      reticulate::py_call(identity, list(python_holder(probe))),
      error = function(e) NULL
    )
    inherits(passed, "python.builtin.list") &&
      identical(reticulate::py_id(reticulate::py_get_item(passed, 0L)), reticulate::py_id(probe))
  }, logical(1)))
  the$holders_work
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
# "rkeras_backend.Attention" to the class object, once per session, with the
# resolver the wrappers' compose() uses (layer_class() in rkeras_compose.py).
py_class <- function(path) {
  the$classes[[path]] %||% resolve_py_class(path)
}

resolve_py_class <- function(path) {
  object <- reticulate::py_to_r(reticulate::py_call(compose_function("layer_class"), path))
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
