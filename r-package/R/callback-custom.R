# Callback(): Keras callbacks whose methods are R functions, in keras3's form.
# As with Layer(), the definition lives in R until first use; the Python class
# (a subclass of keras.callbacks.Callback, inst/python/rkeras_custom.py) is
# made the first time a callback is constructed, so defining one never starts
# Python.

# The hooks Keras calls with an index and the logs, and with the logs alone
# (INDEXED_HOOKS and LOGS_HOOKS of rkeras_custom.py).
callback_indexed_hooks <- c(
  "on_epoch_begin", "on_epoch_end", "on_batch_begin", "on_batch_end",
  "on_train_batch_begin", "on_train_batch_end", "on_test_batch_begin", "on_test_batch_end",
  "on_predict_batch_begin", "on_predict_batch_end"
)
callback_logs_hooks <- c(
  "on_train_begin", "on_train_end", "on_test_begin", "on_test_end",
  "on_predict_begin", "on_predict_end"
)

#' Custom callbacks written in R
#'
#' `Callback()` defines a new kind of Keras callback whose methods are R
#' functions, and returns a function that constructs callbacks of that kind,
#' for the `callbacks` argument of [fit()][model-training], `evaluate()` and
#' `predict()`.
#'
#' Keras calls each method at its time in training, evaluation or
#' prediction:
#'
#' - `on_epoch_begin`, `on_epoch_end` as `function(epoch, logs)`;
#' - `on_train_batch_begin`, `on_train_batch_end` and the test and predict
#'   batch methods as `function(batch, logs)`;
#' - `on_train_begin`, `on_train_end` and the test and predict begin and end
#'   methods as `function(logs)`.
#'
#' `epoch` and `batch` count from 1, as in keras3 (Keras itself counts from
#' 0). `logs` is a named list of numbers, such as `list(loss = 0.25)` at the
#' end of an epoch or a batch, or `NULL`. What a method returns is ignored.
#'
#' Inside each method, `self` is the callback: `self$model` is the model being
#' trained (`self$model$stop_training <- TRUE` ends training after the
#' current batch or epoch), `self$params` holds the training parameters, and
#' `self$name <- value` stores state on the callback, and `private` is the
#' callback's own R environment for state Keras need not see
#' (`private$losses <- c(private$losses, logs$loss)`). The R variables where
#' `Callback()` is called (or in `parent_env`) are in scope too, so a method
#' can also record into an R environment or with `<<-`.
#'
#' The class is defined anew with every call of `Callback()`.
#'
#' @param classname The class name, a valid Python identifier such as
#'   `"EpochCounter"`.
#' @param on_epoch_begin,on_epoch_end,on_train_begin,on_train_end,on_train_batch_begin,on_train_batch_end,on_test_begin,on_test_end,on_test_batch_begin,on_test_batch_end,on_predict_begin,on_predict_end,on_predict_batch_begin,on_predict_batch_end
#'   The methods, as R functions, or `NULL` to do nothing at that time.
#' @param ... Further methods as named R functions, such as `initialize`
#'   (Keras's constructor, which must call `super$initialize()` first) or
#'   helpers that other methods call as `self$helper()`, and class attributes
#'   as other named values.
#' @param public The same as `...`, as a named list (keras3's form).
#' @param private A named list of R values (functions too) that each
#'   callback gets its own copy of, in an environment its methods see as
#'   `private`. Keras and Python never see it. Methods may also store new
#'   values there (`private$losses <- c(private$losses, logs$loss)`) without
#'   declaring them.
#' @param inherit The class to extend: `NULL` (Keras's `Callback`), a
#'   function made by `Callback()`, an rkeras callback function such as
#'   [callback_early_stopping()], or a Keras callback class. Methods not
#'   given are inherited.
#' @param parent_env The environment each method runs in a child of, beside
#'   `self` and `private`: the variables there are in scope in every method.
#'   By default, where `Callback()` is called.
#' @returns A function that constructs a callback. Its arguments are those
#'   of `initialize` (none without one), passed to it by name.
#' @family custom callbacks
#' @seealso [callback_lambda()] for a callback made of functions only.
#' @export
#' @examplesIf rkeras::is_keras_available()
#' # Print the loss every other epoch.
#' callback_print_loss <- Callback("PrintLoss",
#'   on_epoch_end = function(epoch, logs) {
#'     if (epoch %% 2 == 0) cat(sprintf("epoch %d: loss %.4f\n", epoch, logs$loss))
#'   }
#' )
#' model <- keras_model_sequential(input_shape = 4)
#' layer_dense(model, 1)
#' compile(model, optimizer = "sgd", loss = "mse")
#' x <- matrix(runif(64), ncol = 4)
#' history <- fit(model, x, rowSums(x), epochs = 4, verbose = 0,
#'   callbacks = list(callback_print_loss()))
#'
#' # A callback with an argument and state of its own, which stops training
#' # after `max_epochs` epochs through `self$model`.
#' callback_stop_after <- Callback("StopAfter",
#'   initialize = function(max_epochs) {
#'     super$initialize()
#'     self$max_epochs <- max_epochs
#'   },
#'   on_epoch_end = function(epoch, logs) {
#'     if (epoch >= self$max_epochs) {
#'       self$model$stop_training <- TRUE
#'     }
#'   }
#' )
#' history <- fit(model, x, rowSums(x), epochs = 50, verbose = 0,
#'   callbacks = list(callback_stop_after(max_epochs = 3)))
#' history
Callback <- function(classname,
                     on_epoch_begin = NULL,
                     on_epoch_end = NULL,
                     on_train_begin = NULL,
                     on_train_end = NULL,
                     on_train_batch_begin = NULL,
                     on_train_batch_end = NULL,
                     on_test_begin = NULL,
                     on_test_end = NULL,
                     on_test_batch_begin = NULL,
                     on_test_batch_end = NULL,
                     on_predict_begin = NULL,
                     on_predict_end = NULL,
                     on_predict_batch_begin = NULL,
                     on_predict_batch_end = NULL,
                     ...,
                     public = list(),
                     private = list(),
                     inherit = NULL,
                     parent_env = parent.frame()) {
  caller <- rlang::current_env()
  hooks <- list(
    on_epoch_begin = on_epoch_begin, on_epoch_end = on_epoch_end,
    on_train_begin = on_train_begin, on_train_end = on_train_end,
    on_train_batch_begin = on_train_batch_begin, on_train_batch_end = on_train_batch_end,
    on_test_begin = on_test_begin, on_test_end = on_test_end,
    on_test_batch_begin = on_test_batch_begin, on_test_batch_end = on_test_batch_end,
    on_predict_begin = on_predict_begin, on_predict_end = on_predict_end,
    on_predict_batch_begin = on_predict_batch_begin, on_predict_batch_end = on_predict_batch_end
  )
  classname <- check_class_definition(classname, parent_env, caller)
  members <- class_members(hooks, list(...), public, caller)
  methods <- Filter(is.function, members)
  for (name in names(methods)) {
    check_hook_arity(methods[[name]], name, caller)
  }
  fields <- Filter(Negate(is.function), members)
  definition <- new_class_definition(
    "callback", classname, methods, fields, parent_env, check_private(private, caller),
    check_inherit(inherit, "callback", caller)
  )
  new_callback_function(definition, methods$initialize, inherited = !is.null(definition$parent))
}

# A hook must take what Keras gives it: the index and the logs, or the logs.
check_hook_arity <- function(method, name, call) {
  needed <- if (name %in% callback_indexed_hooks) 2L else if (name %in% callback_logs_hooks) 1L
  if (is.null(method) || is.null(needed)) {
    return()
  }
  formals <- formals(method)
  positional <- setdiff(names(formals), "...")
  required <- positional[vapply(positional, function(p) identical(formals[[p]], quote(expr = )), TRUE)]
  if (length(positional) < needed && !"..." %in% names(formals) || length(required) > needed) {
    takes <- if (needed == 2L) "two arguments, `(epoch, logs)` or `(batch, logs)`" else "one argument, `(logs)`"
    cli::cli_abort(
      c(
        "{.arg {name}} must be a function of {takes}.",
        "x" = "It takes {.code ({paste(names(formals), collapse = ', ')})}."
      ),
      call = call, class = "rkeras_arg_error"
    )
  }
}

# The constructor: the arguments of `initialize`; without one, none, or
# `...` for the parent's constructor when the class extends another.
new_callback_function <- function(definition, initialize, inherited = FALSE) {
  args <- if (!is.null(initialize)) formals(initialize) else if (inherited) alist(... = ) else list()
  env <- new.env(parent = asNamespace("rkeras"))
  env$definition <- definition
  rlang::new_function(args, quote(new_custom_callback(definition, environment())), env)
}

new_custom_callback <- function(definition, frame) {
  names <- setdiff(names(formals(sys.function(-1L))), "...")
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
        "Every argument in {.arg ...} must be named: they reach {.fn initialize} by name.",
        call = frame, class = "rkeras_arg_error"
      )
    }
    args <- c(args, dots)
  }
  cls <- custom_callback_class(definition, frame)
  with_python_errors(do.call(cls, args), frame)
}

# The definition's Python class, made on first use.
custom_callback_class <- function(definition, call = rlang::caller_env()) {
  definition$class %||% {
    module <- custom_module()
    methods <- lapply(definition$methods, function(method) {
      list(bind_method(method, definition), method_params(method))
    })
    definition$class <- with_python_errors(
      module$define_callback(definition$classname, methods, definition$fields, base_class(definition, call)),
      call
    )
    definition$class
  }
}
