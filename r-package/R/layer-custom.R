# Layer(): Keras layers whose methods are R functions, in keras3's form. The
# definition lives in R until first use; the Python class (a real subclass of
# keras.layers.Layer, inst/python/rkeras_custom.py) is made then, so defining
# a layer never starts Python.

#' Custom layers written in R
#'
#' `Layer()` defines a new kind of Keras layer whose methods are R functions,
#' and returns a layer function that composes like every other: with no
#' `object` (or `NULL`) it returns the layer; given a sequential model it
#' adds the layer and returns the model, invisibly; given a tensor or an R
#' array it calls the layer and returns the output.
#'
#' Inside each method, `self` is the layer and `super` its parent class:
#' `super$initialize(...)` runs Keras's own constructor, which `initialize`
#' must call, `self$add_weight()` creates a weight in `build`, and
#' `super$get_config()` gives the configuration to extend in `get_config`.
#' `private` is the layer's own R environment, for state that Keras need not
#' see (seeded from the `private` argument): `private$cache <- x` in one
#' method, `private$cache` in another.
#' Arithmetic and math functions work on the tensors a method receives
#' (`x * self$factor`, `exp(x)`).
#'
#' The layer function's arguments are `object` and those of `initialize`.
#' They reach `initialize` by name; when `get_config` is not given, Keras
#' saves exactly the arguments given, so a reloaded layer is made again with
#' them.
#'
#' The class is registered with Keras as `"rkeras_custom>classname"`, so a
#' model containing the layer saves with [save_model()] and reloads with
#' [load_model()], in the same session or in a new one once `Layer()` has
#' defined the class again. Defining a class again under the same name
#' replaces it.
#'
#' Defining the layer does not start Python: the Keras class is made the
#' first time the layer function is called or a model is loaded.
#'
#' @param classname The class name, a valid Python identifier such as
#'   `"Scale"`. Saved models name the layer by it.
#' @param initialize,call,build,get_config The methods, as R functions (or
#'   `NULL` to inherit Keras's). `initialize` takes the layer's arguments and
#'   calls `super$initialize(...)`; `build(input_shape)` creates the weights;
#'   `call(inputs, ...)` computes the output; `get_config()` returns a named
#'   list that recreates the layer.
#' @param ... Further methods (such as `compute_output_shape`) as named R
#'   functions, and class attributes as other named values.
#' @param public The same as `...`, as a named list (keras3's form).
#' @param private A named list of R values (functions too) that each layer
#'   gets its own copy of, in an environment its methods see as `private`.
#'   Keras and Python never see it. Methods may also store new values there
#'   (`private$cache <- x`) without declaring them.
#' @param inherit The class to extend: `NULL` (Keras's `Layer`), a layer
#'   function made by `Layer()`, an rkeras layer function such as
#'   [layer_dense()], or a Keras layer class. Methods not given are
#'   inherited; `super` reaches the parent's.
#' @param parent_env The environment each method runs in a child of, beside
#'   `self`, `super` and `private`: the variables there are in scope in every
#'   method. By default, where `Layer()` is called.
#' @returns A layer function, `function(object, <arguments of initialize>)`.
#' @family custom layers
#' @seealso [layer-instances] for calling the layer a layer function returns.
#' @export
#' @examplesIf rkeras::is_keras_available()
#' layer_scale <- Layer("Scale",
#'   initialize = function(factor, ...) {
#'     super$initialize(...)
#'     self$factor <- factor
#'   },
#'   call = function(x) x * self$factor
#' )
#' as.array(layer_scale(matrix(c(1, 2, 3, 4, 5, 6), 2), factor = 10))
#'
#' # A layer with a weight, made in build() and trained by fit().
#' layer_gain <- Layer("Gain",
#'   build = function(input_shape) {
#'     self$gain <- self$add_weight(shape = shape(), initializer = "ones")
#'   },
#'   call = function(x) x * self$gain
#' )
#' model <- keras_model_sequential(input_shape = 3) |> layer_gain()
#' compile(model, optimizer = "sgd", loss = "mse")
#' x <- matrix(runif(60), ncol = 3)
#' history <- fit(model, x, 2 * x, epochs = 20, verbose = 0)
#' as.array(model$layers[[1]]$gain) # towards 2
#' path <- tempfile(fileext = ".keras")
#' save_model(model, path)
#' load_model(path)
Layer <- function(classname, initialize = NULL, call = NULL, build = NULL, get_config = NULL, ...,
                  public = list(), private = list(), inherit = NULL, parent_env = parent.frame()) {
  caller <- rlang::current_env()
  classname <- check_class_definition(classname, parent_env, caller)
  named <- list(initialize = initialize, call = call, build = build, get_config = get_config)
  members <- class_members(named, list(...), public, caller)
  methods <- Filter(is.function, members)
  fields <- Filter(Negate(is.function), members)
  definition <- new_class_definition(
    "layer", classname, methods, fields, parent_env, check_private(private, caller),
    check_inherit(inherit, "layer", caller)
  )
  # The registry load_model() builds from, so a saved model finds its class.
  custom_layers[[classname]] <- definition
  new_layer_function(definition, methods$initialize)
}

custom_layers <- new.env(parent = emptyenv())

check_method <- function(method, name, call) {
  if (is.null(method)) {
    return()
  }
  if (!is.function(method) || is.primitive(method)) {
    abort_arg(name, "an R function", method, nullable = TRUE, call = call)
  }
  check_python_name(name, name, call)
  for (formal in setdiff(names(formals(method)), "...")) {
    check_python_name(formal, name, call, what = "argument")
  }
  if (identical(name, "initialize") && "object" %in% names(formals(method))) {
    cli::cli_abort(
      c(
        "{.arg initialize} cannot have an argument called {.arg object}.",
        "i" = "The layer function takes its input as {.arg object}, as every layer function does."
      ),
      call = call, class = "rkeras_arg_error"
    )
  }
}

check_python_name <- function(name, arg, call, what = "name") {
  if (!is_python_name(name)) {
    cli::cli_abort(
      "{.arg {arg}}: {.val {name}} is not a valid Python {what}; use letters, digits and {.code _}, not starting with a digit.",
      call = call, class = "rkeras_arg_error"
    )
  }
}

is_python_name <- function(x) {
  grepl("^[A-Za-z_][A-Za-z0-9_]*$", x)
}

# The layer function: `object` first, then the arguments of `initialize`
# (just `...` without one), as keras3's Layer() makes it.
new_layer_function <- function(definition, initialize) {
  args <- c(alist(object = ), if (is.null(initialize)) alist(... = ) else formals(initialize))
  env <- new.env(parent = asNamespace("rkeras"))
  env$definition <- definition
  rlang::new_function(args, quote(compose_custom_layer(definition, environment())), env)
}

compose_custom_layer <- function(definition, frame) {
  names <- setdiff(names(formals(sys.function(-1L))), c("object", "..."))
  args <- list()
  for (name in names) {
    if (!eval(call("missing", as.name(name)), frame)) {
      args[name] <- list(get(name, envir = frame))
    }
  }
  if (exists("...", envir = frame, inherits = FALSE)) {
    dots <- eval(quote(list(...)), frame)
    if (length(dots) && (is.null(names(dots)) || !all(nzchar(names(dots))))) {
      cli::cli_abort(
        c(
          "Every argument in {.arg ...} must be named.",
          "i" = "The layer's input goes in {.arg object}; the others reach {.fn initialize} by name."
        ),
        call = frame, class = "rkeras_arg_error"
      )
    }
    args <- c(args, dots)
  }
  object <- if (!eval(quote(missing(object)), frame)) get("object", envir = frame)
  compose_with(
    custom_layer_path(definition, frame), args, object, list(), unwrapped_layer_call, "object", frame
  )
}

# The dotted path of the definition's Python class, made on first use.
custom_layer_path <- function(definition, call = rlang::caller_env()) {
  definition$path %||% {
    module <- custom_module()
    methods <- lapply(definition$methods, function(method) {
      list(bind_method(method, definition), method_params(method))
    })
    definition$path <- with_python_errors(
      module$define_layer(definition$classname, methods, definition$fields, base_class(definition, call)),
      call
    )
    definition$path
  }
}

#' Make the Python classes of the layers Layer() has defined
#'
#' Called by [load_model()] before it reads a file, so a saved model finds
#' the classes defined in this session, even those not used yet.
#'
#' @returns `NULL`, invisibly.
#' @keywords internal
#' @noRd
define_custom_layers <- function(call = rlang::caller_env()) {
  for (name in ls(custom_layers)) {
    custom_layer_path(custom_layers[[name]], call)
  }
  invisible()
}

custom_module <- function() {
  the$custom %||% {
    keras_module()
    the$custom <- import_bundled("rkeras_custom")
    the$custom
  }
}

# An R method as Python calls it: the layer and the super proxy first, bound
# to `self`, `super` and `private` in a fresh environment, a child of the
# class's `parent_env` (as in keras3: the method sees the variables there).
# `private` is looked up only when a method uses it.
bind_method <- function(method, definition) {
  force(method)
  parent_env <- definition$parent_env
  function(.rkeras_self, .rkeras_super, ...) {
    env <- new.env(parent = parent_env)
    env$self <- .rkeras_self
    env$super <- .rkeras_super
    delayedAssign("private", private_env(.rkeras_self, definition), assign.env = env)
    environment(method) <- env
    method(...)
  }
}

# The instance's own `private` environment, made on first use from the
# class's `private` list. Its functions see `self` and `private` as methods
# do; `self` there is reached through a Python weak reference, so that the
# registry never keeps an instance alive. Environments of collected
# instances are dropped here.
private_env <- function(instance, definition) {
  module <- custom_module()
  id <- module$private_id(instance)
  found <- the$private_envs[[id]]
  if (!is.null(found)) {
    return(found)
  }
  # A method inherited from an R-defined class seeds from the instance's own
  # class, which holds its parents' `private` too.
  definition <- class_definitions[[instance$`_rkeras_definition`]] %||% definition
  collected <- intersect(as.character(unlist(module$collected_private_ids())), ls(the$private_envs))
  rm(list = collected, envir = the$private_envs)
  private <- new.env(parent = emptyenv())
  scope <- new.env(parent = definition$parent_env)
  makeActiveBinding("self", weak_getter(reticulate::import("weakref")$ref(instance)), scope)
  scope$private <- private
  for (name in names(definition$private)) {
    value <- definition$private[[name]]
    if (is.function(value) && !is.primitive(value)) environment(value) <- scope
    assign(name, value, envir = private)
  }
  assign(id, private, envir = the$private_envs)
  private
}
# The formals as Python's signature needs them: name, kind, whether it has
# a default, and the default itself where it is a constant (NULL, TRUE, a
# number or a string), which Python may then pass as R would have used it.
method_params <- function(method) {
  formals <- formals(method)
  lapply(names(formals), function(name) {
    if (name == "...") {
      return(list(name, "dots", FALSE, NULL, FALSE))
    }
    if (identical(formals[[name]], quote(expr = ))) {
      return(list(name, "positional", FALSE, NULL, FALSE))
    }
    default <- formals[[name]]
    constant <- is.null(default) || is.atomic(default) && length(default) == 1L
    list(name, "positional", TRUE, if (constant) default, constant)
  })
}

#' Is a model savable?
#'
#' An R function held by a layer, such as an R activation function or the
#' function of a Lambda layer, cannot be written to a `.keras` file: Keras
#' cannot serialize R code. [save_model()] calls this first, so the user
#' gets an error naming the layer rather than a pickling traceback or a file
#' that cannot be loaded.
#'
#' @param model A Keras model.
#' @param call The caller's environment, for the error message.
#' @returns `model`, invisibly, or an error of class `rkeras_unsavable_error`.
#' @keywords internal
#' @noRd
check_savable <- function(model, call = rlang::caller_env()) {
  found <- with_python_errors(custom_module()$r_functions(model), call)
  if (!length(found)) {
    return(invisible(model))
  }
  where <- vapply(found, function(f) sprintf("layer `%s` (in `%s`)", f[[1]], f[[2]]), "")
  cli::cli_abort(
    c(
      "Can't save the model: {where} hold{?s/} an R function.",
      "x" = "Keras cannot write R functions to a {.file .keras} file, and no other process could run them.",
      "i" = "Use a Keras name (such as {.code activation = \"relu\"}), or write the computation as a custom layer with {.fn Layer}, which saves and reloads.",
      "i" = "To keep only the weights, use {.code model$save_weights(\"file.weights.h5\")}."
    ),
    call = call, class = c("rkeras_unsavable_error", "rkeras_save_error")
  )
}

# Every member of the class: the methods given as named arguments
# (`call`, `on_epoch_end`, ...; each checked as a method), then those in
# `...` and `public`, each name given once.
class_members <- function(named, dots, public, caller) {
  for (name in names(named)) {
    check_method(named[[name]], name, caller)
  }
  if (!is.list(public) || is.object(public)) {
    abort_arg("public", "a named list of methods and class attributes", public, call = caller)
  }
  members <- c(Filter(Negate(is.null), named), dots, public)
  spelt <- names(members) %||% rep("", length(members))
  if (!all(nzchar(spelt))) {
    cli::cli_abort(
      "Every argument in {.arg ...} and {.arg public} must be named: a method or class attribute name.",
      call = caller, class = "rkeras_arg_error"
    )
  }
  if (anyDuplicated(spelt)) {
    dup <- spelt[anyDuplicated(spelt)]
    cli::cli_abort("{.arg {dup}} is given twice.", call = caller, class = "rkeras_arg_error")
  }
  for (name in spelt) {
    if (is.function(members[[name]])) check_method(members[[name]], name, caller) else check_python_name(name, "...", caller)
  }
  members
}

# What Layer() and Callback() know of a class until Python makes it, in the
# registry `class_definitions` under a key the Python class carries as
# `_rkeras_definition` (which subclasses inherit until they set their own).
new_class_definition <- function(kind, classname, methods, fields, parent_env, private, parent) {
  definition <- new.env(parent = emptyenv())
  definition$kind <- kind
  definition$key <- paste0(classname, "_", length(class_definitions) + 1L)
  definition$classname <- classname
  definition$methods <- methods
  definition$fields <- c(fields, list(`_rkeras_definition` = definition$key))
  definition$parent_env <- parent_env
  definition$parent <- parent
  # An R-defined parent's `private` comes first; the class's own replaces it.
  definition$private <- if (is.environment(parent)) utils::modifyList(parent$private, private) else private
  assign(definition$key, definition, envir = class_definitions)
  definition
}

class_definitions <- new.env(parent = emptyenv())

# `inherit`: NULL (Keras's base class), a function that Layer() or
# Callback() made (an R-defined class), a generated wrapper such as
# layer_dense() or callback_early_stopping() (its Keras class), or a Keras
# class itself. Returns NULL, the parent's definition or the class's path.
check_inherit <- function(inherit, kind, caller) {
  if (is.null(inherit)) {
    return(NULL)
  }
  expected <- sprintf(
    "`NULL`, a function made by `%s()`, an rkeras %s function or a Keras %s class",
    if (kind == "layer") "Layer" else "Callback", kind, kind
  )
  if (inherits(inherit, "python.builtin.type")) {
    return(inherit)
  }
  if (!is.function(inherit) || is.primitive(inherit)) {
    abort_arg("inherit", expected, inherit, call = caller)
  }
  parent <- environment(inherit)$definition
  if (is.environment(parent) && identical(parent$kind, kind)) {
    return(parent)
  }
  # A generated wrapper is one call of compose_layer() or new_keras_object()
  # with the class's dotted path first.
  body <- body(inherit)
  if (is.call(body) && identical(body[[1]], as.name("{"))) body <- body[[length(body)]]
  builders <- if (kind == "layer") "compose_layer" else "new_keras_object"
  if (is.call(body) && is.name(body[[1]]) && as.character(body[[1]]) %in% builders &&
    length(body) >= 2L && is.character(body[[2]])) {
    return(body[[2]])
  }
  abort_arg("inherit", expected, inherit, call = caller)
}

# The Python class a definition extends (NULL: Keras's base class).
base_class <- function(definition, call) {
  parent <- definition$parent
  if (is.null(parent) || inherits(parent, "python.builtin.type")) {
    return(parent)
  }
  if (is.character(parent)) {
    return(py_class(parent))
  }
  if (parent$kind == "layer") py_class(custom_layer_path(parent, call)) else custom_callback_class(parent, call)
}

# `private`: a named list, copied into each instance's private environment.
check_private <- function(private, caller) {
  spelt <- names(private) %||% rep("", length(private))
  if (!is.list(private) || is.object(private) || !all(nzchar(spelt)) || anyDuplicated(spelt)) {
    abort_arg("private", "a list of uniquely named values", private, call = caller)
  }
  private
}

# A function that returns what the Python weak reference `ref` refers to,
# made here so that it closes over nothing else (no frame holding the
# instance itself).
weak_getter <- function(ref) {
  force(ref)
  function() ref()
}

# The checks every R-defined class shares (Layer(), Callback()): a Python
# class name and an environment for the methods. Returns the class name.
check_class_definition <- function(classname, parent_env, caller) {
  if (!is.environment(parent_env)) {
    abort_arg("parent_env", "an environment", parent_env, call = caller)
  }
  classname <- arg_string(classname, "classname", call = caller)
  if (!is_python_name(classname)) {
    cli::cli_abort(
      "{.arg classname} must be a valid Python class name (letters, digits and {.code _}, not starting with a digit), not {describe_value(classname)}.",
      call = caller, class = "rkeras_arg_error"
    )
  }
  classname
}
