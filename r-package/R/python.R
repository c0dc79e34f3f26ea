# Python modules, loaded lazily: `library(rkeras)` must never start Python.
# Everything that needs Keras goes through keras_module() / py_class(), which
# import on first use and cache what they resolve.

the <- new.env(parent = emptyenv())
the$classes <- new.env(parent = emptyenv())

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

# The bridge: everything rkeras needs to call Python, loaded once, on first
# use. A wrapper call costs one crossing into Python, and reticulate's own
# work on that crossing is most of rkeras's overhead over a Python loop, so
# the bridge keeps it to the least this reticulate allows:
#
#   compose, call_layer, layer_class, identity
#           the functions of inst/python/rkeras_compose.py, as Python objects:
#           calling them returns the result unconverted, so R converts only
#           what it needs (see as_layer_output()), once.
#   call    call(f, args) calls Python function `f` with the list `args` as
#           its positional arguments (see python_call_method()).
#   hold    whether Python objects among the arguments travel in holders
#           (see python_elements()).
python_bridge <- function() {
  the$bridge %||% load_bridge()
}

load_bridge <- function() {
  # Imported first: the compose module resolves "rkeras_backend.*" classes.
  backend_module()
  path <- system.file("python", package = "rkeras", mustWork = TRUE)
  module <- reticulate::import_from_path("rkeras_compose", path = path)
  functions <- lapply(
    c(compose = "compose", call_layer = "call_layer", layer_class = "layer_class", identity = "identity"),
    function(name) reticulate::py_get_attr(module, name)
  )
  call <- python_call_method(functions$identity)
  hold <- passes_objects_intact(call, functions$identity, hold = TRUE)
  the$bridge <- c(functions, list(call = call, hold = hold))
  the$bridge
}

# reticulate::py_call(x, ...) sorts `...` into positional and keyword
# arguments, through three R functions, before it reaches
# py_call_impl(x, args, keywords), the entry point into its C++ code. rkeras
# always has its positional arguments in one list already, so it calls that
# entry point directly, about 20 us less a call in a model-building loop.
# It is internal to reticulate, so rkeras uses it only where it exists with
# that signature and hands an object over and back intact; anywhere else,
# py_call() itself.
python_call_method <- function(identity) {
  impl <- get0("py_call_impl", envir = asNamespace("reticulate"), mode = "function", inherits = FALSE)
  if (!is.null(impl) && identical(names(formals(impl)), c("x", "args", "keywords")) &&
    passes_objects_intact(impl, identity, hold = FALSE)) {
    return(impl)
  }
  call_with_py_call
}

call_with_py_call <- function(x, args) {
  do.call(reticulate::py_call, c(list(x), args))
}

# Whether `call`, given Python objects (one R sees as an environment, one it
# sees as a function) in a list prepared by python_elements(), hands Python
# those very objects.
passes_objects_intact <- function(call, identity, hold) {
  probes <- list(identity, reticulate::py_to_r(identity))
  received <- tryCatch(
    call(identity, list(python_elements(probes, hold))),
    error = function(e) NULL
  )
  inherits(received, "python.builtin.list") &&
    identical(reticulate::py_len(received), length(probes)) &&
    all(vapply(seq_along(probes), function(i) {
      identical(
        reticulate::py_id(reticulate::py_get_item(received, i - 1L)),
        reticulate::py_id(probes[[i]])
      )
    }, logical(1)))
}

# The elements of list `x` as Python should receive them, in one pass:
# Python objects in holders where `hold`, R integer arrays as doubles where
# `to_float`, and nested lists likewise. Layer inputs go through here on
# every call, so an element is handled inline and only nested lists recurse.
#
# Holders: reticulate 1.28 passes a classed R object, which every Python
# object in R is, through its R-level r_to_py() generic, whose default method
# wraps the object in a new reference and computes its class vector again:
# about 12 us per tensor. An unclassed holder with a `py_object` attribute,
# the way reticulate itself marks the functions it wraps, takes its C++ path
# instead. Whether this reticulate does so is checked once per session (the
# bridge's `hold`); where it does not (or newer versions need no help),
# objects go unchanged.
python_elements <- function(x, hold, to_float = FALSE) {
  for (i in seq_along(x)) {
    item <- x[[i]]
    if (is.list(item)) {
      x[i] <- list(python_elements(item, hold, to_float))
    } else if (hold && inherits(item, "python.builtin.object")) {
      # A Python object R sees as a function (a callable reticulate wrapped,
      # or a layer instance) carries its reference in `py_object`; any other
      # is an environment that is the reference. Set directly: structure()
      # alone costs 2 us.
      holder <- list()
      attr(holder, "py_object") <- if (is.function(item)) attr(item, "py_object", exact = TRUE) else item
      x[[i]] <- holder
    } else if (to_float && is.integer(item)) {
      storage.mode(item) <- "double"
      x[[i]] <- item
    }
  }
  x
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
  bridge <- python_bridge()
  object <- reticulate::py_to_r(bridge$call(bridge$layer_class, list(path)))
  assign(path, object, envir = the$classes)
  object
}

# reticulate 1.28 has no py_isinstance(); dispatch on the public Keras class
# through Python's isinstance, never on class-name strings, which broke when
# Keras moved its classes to keras.src.
is_instance <- function(x, path) {
  inherits(x, "python.builtin.object") && the$builtins$isinstance(x, py_class(path))
}
