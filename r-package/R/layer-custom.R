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
#' # A subclass: Scale's initialize, its own call, and state in `private`.
#' layer_scale_count <- Layer("ScaleCount",
#'   call = function(x) {
#'     private$calls <- private$calls + 1
#'     super$call(x)
#'   },
#'   calls = function() private$calls,
#'   private = list(calls = 0),
#'   inherit = layer_scale
#' )
#' counted <- layer_scale_count(factor = 2)
#' y <- counted(matrix(1, 2, 2))
#' counted$calls()
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
  new_layer_function(definition, methods$initialize)
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
  for (definition in as.list(class_definitions)) {
    # A definition Python refuses (its error shows where the layer function
    # is used) is in no saved model, and must not stop others from loading.
    if (definition$kind == "layer") try(custom_layer_path(definition, call), silent = TRUE)
  }
  invisible()
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

