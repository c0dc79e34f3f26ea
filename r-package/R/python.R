# Python modules, loaded lazily: `library(rkeras)` must never start Python.
# Everything that needs Keras goes through keras_module() / py_class(), which
# import on first use and cache what they resolve.

the <- new.env(parent = emptyenv())
the$classes <- new.env(parent = emptyenv())
the$identifiers <- list()
the$wrapper_formals <- new.env(parent = emptyenv())
# The `private` environment of each instance of a Layer() or Callback() class, by id.
the$private_envs <- new.env(parent = emptyenv())

#' Is Keras available to rkeras?
#'
#' Checks, without failing, whether Python and the `keras` module can be
#' loaded. Use it to guard examples and tests.
#'
#' @param version `NULL`, or the lowest Keras version that counts, such as
#'   `"3.4"`.
#' @returns `TRUE` or `FALSE`.
#' @export
#' @examples
#' is_keras_available()
#' is_keras_available("3.0")
is_keras_available <- function(version = NULL) {
  if (!is.null(version)) {
    parsed <- if (length(version) == 1L) numeric_version(as.character(version), strict = FALSE)
    if (is.null(parsed) || is.na(parsed)) {
      cli::cli_abort(
        "{.arg version} must be one version such as {.val 3.4}, not {.obj_type_friendly {version}}.",
        class = "rkeras_arg_error"
      )
    }
    version <- parsed
  }
  available <- !is.null(the$keras) ||
    isTRUE(tryCatch(reticulate::py_module_available("keras"), error = function(e) FALSE))
  if (!available || is.null(version)) {
    return(available)
  }
  installed <- tryCatch(numeric_version(keras_module()$`__version__`), error = function(e) NULL)
  !is.null(installed) && installed >= version
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
  the$backend <- import_bundled("rkeras_backend")
  the$backend
}

# A Python module of the package's own, in inst/python.
import_bundled <- function(name) {
  reticulate::import_from_path(name, path = system.file("python", package = "rkeras", mustWork = TRUE))
}

# The compose module (inst/python/rkeras_compose.py): the Python half of
# every wrapper call, loaded once, on first use. Imported with reticulate's
# default conversion, so a layer it returns reaches R through
# py_to_r_wrapper() (see instances.R), a tuple as a list and None as NULL.
compose_module <- function() {
  the$compose %||% load_compose()
}

load_compose <- function() {
  # Imported first: the compose module resolves "rkeras_backend.*" classes.
  backend_module()
  the$compose <- import_bundled("rkeras_compose")
  the$compose
}

# The two functions of the compose module on every wrapper and layer call,
# looked up once.
compose_functions <- function() {
  the$compose_functions %||% {
    module <- compose_module()
    the$compose_functions <- list(compose = module$compose, call_layer = module$call_layer)
    the$compose_functions
  }
}

# The names Keras knows for one kind of object ("activations",
# "initializers", ...), asked once per session.
keras_identifiers <- function(kind) {
  the$identifiers[[kind]] %||% {
    the$identifiers[[kind]] <- as.character(compose_module()$identifiers(kind))
    the$identifiers[[kind]]
  }
}

abort_no_keras <- function(call = rlang::caller_env()) {
  python <- tryCatch(reticulate::py_config()$python, error = function(e) NULL)
  found <- if (is.null(python)) "No Python was found." else "Python {.path {python}} has no {.pkg keras} module."
  cli::cli_abort(
    c(
      "rkeras needs Python with the {.pkg keras} module.",
      "x" = found,
      "i" = "Run {.run rkeras::install_rkeras()} to create the virtualenv {.val r-rkeras} with the pinned stack,",
      " " = "then restart R: {.code library(rkeras)} finds it by itself.",
      "i" = "Or set {.envvar RETICULATE_PYTHON} to the path of a Python binary that has keras, then restart R."
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
  object <- compose_module()$layer_class(path)
  assign(path, object, envir = the$classes)
  object
}

# reticulate 1.28 has no py_isinstance(); dispatch on the public Keras class
# through Python's isinstance, never on class-name strings, which broke when
# Keras moved its classes to keras.src.
is_instance <- function(x, path) {
  inherits(x, "python.builtin.object") && the$builtins$isinstance(x, py_class(path))
}
