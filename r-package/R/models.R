# Inputs and models, with keras3's names and argument order so code moves
# between the two packages. Integer-valued arguments are coerced here because
# R numbers are doubles and Keras wants Python ints.

#' Create a symbolic Keras input
#'
#' @param shape The shape of one sample, without the batch dimension. Use `NA`
#'   for a dimension of unknown size.
#' @param batch_size Optional fixed batch size.
#' @param dtype The data type, such as `"float32"` or `"int32"`.
#' @param sparse Whether the input is sparse.
#' @param ragged Whether the input is ragged (TensorFlow backend only).
#' @param batch_shape The full shape, batch dimension included; an
#'   alternative to `shape`.
#' @param name A name for the input.
#' @param tensor An existing tensor to wrap.
#' @param optional Whether the input may be `NULL`.
#' @returns A symbolic tensor, to compose layers with.
#' @family model functions
#' @export
#' @examplesIf rkeras::is_keras_available()
#' input <- keras_input(shape = c(NA, 16))
#' shape(input)
keras_input <- function(shape = NULL, batch_size = NULL, dtype = NULL, sparse = NULL, ragged = NULL,
                        batch_shape = NULL, name = NULL, tensor = NULL, optional = FALSE) {
  new_input(
    shape, batch_size, dtype, sparse, ragged, batch_shape, name, tensor, optional,
    prefix = "", call = rlang::current_env()
  )
}

# keras.Input() from R values. Errors name the caller's arguments:
# `prefix` is "input_" for keras_model_sequential()'s.
new_input <- function(shape, batch_size, dtype, sparse, ragged, batch_shape, name, tensor, optional,
                      prefix, call) {
  arg <- function(name) paste0(prefix, name)
  args <- list(
    shape = arg_shape(shape, arg("shape"), nullable = TRUE, call = call),
    batch_size = arg_integer(batch_size, arg("batch_size"), min = 1, nullable = TRUE, call = call),
    dtype = arg_string(dtype, arg("dtype"), nullable = TRUE, call = call),
    sparse = arg_flag(sparse, arg("sparse"), nullable = TRUE, call = call),
    ragged = arg_flag(ragged, arg("ragged"), nullable = TRUE, call = call),
    batch_shape = arg_shape(batch_shape, arg("batch_shape"), nullable = TRUE, call = call),
    name = arg_string(name, arg("name"), nullable = TRUE, call = call),
    tensor = arg_tensor(tensor, arg("tensor"), nullable = TRUE, call = call),
    optional = arg_flag(optional, arg("optional"), call = call)
  )
  with_python_errors(do.call(py_class("keras.Input"), args), call)
}

#' Create a sequential model
#'
#' Layers are added in place by piping the model into layer functions.
#'
#' @param input_shape The shape of one input sample, without the batch
#'   dimension; `NULL` defers building until the model first sees data.
#' @param name A name for the model.
#' @param ... Layers to add, in order.
#' @param input_dtype,input_batch_size,input_sparse,input_ragged,input_batch_shape,input_name,input_tensor,input_optional
#'   Passed to [keras_input()] (as `dtype`, `batch_size`, ...) when
#'   `input_shape`, `input_batch_shape` or `input_tensor` is given.
#' @param trainable Whether the model's weights are trainable.
#' @param layers A list of layers to add, after those in `...`.
#' @returns A sequential model.
#' @family model functions
#' @export
#' @examplesIf rkeras::is_keras_available()
#' model <- keras_model_sequential(input_shape = c(10, 8))
#' model |> layer_dense(units = 4)
#' model
keras_model_sequential <- function(input_shape = NULL, name = NULL, ..., input_dtype = NULL,
                                   input_batch_size = NULL, input_sparse = NULL, input_ragged = NULL,
                                   input_batch_shape = NULL, input_name = NULL, input_tensor = NULL,
                                   input_optional = FALSE, trainable = TRUE, layers = list()) {
  call <- rlang::current_env()
  layers <- c(list(...), layers)
  if (!is.null(input_shape) || !is.null(input_batch_shape) || !is.null(input_tensor)) {
    input <- new_input(
      input_shape, input_batch_size, input_dtype, input_sparse, input_ragged, input_batch_shape,
      input_name, input_tensor, input_optional,
      prefix = "input_", call = call
    )
    layers <- c(list(input), layers)
  }
  with_python_errors(
    py_class("keras.Sequential")(
      layers = layers, trainable = arg_flag(trainable, "trainable"),
      name = arg_string(name, "name", nullable = TRUE)
    ),
    call
  )
}

#' Create a model from inputs and outputs
#'
#' @param inputs A symbolic input, or a list of them.
#' @param outputs The symbolic output of layers composed on `inputs`, or a
#'   list of them.
#' @param ... Other model arguments, such as `name`.
#' @returns A functional model.
#' @family model functions
#' @export
#' @examplesIf rkeras::is_keras_available()
#' query <- keras_input(shape = c(6, 4))
#' value <- keras_input(shape = c(9, 4))
#' model <- keras_model(list(query, value), layer_attention(list(query, value)))
#' model
keras_model <- function(inputs = NULL, outputs = NULL, ...) {
  with_python_errors(
    py_class("keras.Model")(inputs = inputs, outputs = outputs, ...),
    rlang::current_env()
  )
}

#' @importFrom generics compile
#' @export
generics::compile

#' @importFrom generics fit
#' @export
generics::fit

# Our own generic, in keras3's argument order: generics::evaluate() takes `x`
# first, which would make the model `x`.
#' @rdname model-training
#' @export
evaluate <- function(object, ...) {
  UseMethod("evaluate")
}

# The methods are registered on Keras's model class (Sequential and Functional
# models inherit it), never on python.builtin.object: other Python objects
# that reach R, such as a scikit-learn model, keep their own methods.

#' Configure, train, evaluate and use a Keras model
#'
#' `compile()` sets the optimizer, loss and metrics; `fit()` trains;
#' `evaluate()` measures; `predict()` returns predictions as R arrays.
#'
#' Data (`x`, `y`, `sample_weight` and `validation_data`) may be R arrays,
#' plain vectors, data frames of numeric columns (each becomes a double
#' matrix), or lists of them for a model with several inputs or outputs.
#'
#' If the first `fit()` or `evaluate()` of a model fails (targets of the wrong
#' shape, say), Keras may have half built the model's training state; rkeras
#' compiles the model again from its own configuration, so the next call can
#' succeed once the data are fixed. Nothing is lost, since no step has run.
#'
#' @param object A Keras model.
#' @param optimizer An optimizer name or object.
#' @param loss A loss name, object or function.
#' @param metrics A character vector (or list) of metrics.
#' @param ... Other arguments for the Keras method.
#' @param loss_weights,weighted_metrics,run_eagerly,steps_per_execution,jit_compile,auto_scale_loss
#'   As in Keras's `Model.compile()`.
#' @returns `compile()` returns `object`, invisibly, modified in place.
#' @family model functions
#' @name model-training
#' @examplesIf rkeras::is_keras_available()
#' input <- keras_input(shape = c(8, 4))
#' output <- layer_attention(list(input, input))
#' model <- keras_model(input, output)
#' compile(model, optimizer = "adam", loss = "mse")
#' x <- array(runif(16 * 8 * 4), c(16, 8, 4))
#' history <- fit(model, x, x, epochs = 2, batch_size = 8, verbose = 0)
#' history
#' evaluate(model, x, x, verbose = 0)
#' dim(predict(model, x, verbose = 0))
#'
#' # A data frame of numeric columns is a matrix of inputs.
#' input <- keras_input(shape = 2)
#' model <- keras_model(input, layer_dense(input, units = 1))
#' compile(model, optimizer = "adam", loss = "mse")
#' cars_x <- data.frame(speed = cars$speed / 25, one = 1)
#' history <- fit(model, cars_x, cars$dist / 120, epochs = 2, verbose = 0)
#' dim(predict(model, cars_x, verbose = 0))
NULL

#' @rdname model-training
#' @method compile keras.src.models.model.Model
#' @export
compile.keras.src.models.model.Model <- function(object, optimizer = "rmsprop", loss = NULL,
                                                 metrics = NULL, ..., loss_weights = NULL,
                                                 weighted_metrics = NULL, run_eagerly = FALSE,
                                                 steps_per_execution = 1L, jit_compile = "auto",
                                                 auto_scale_loss = TRUE) {
  call <- rlang::current_env()
  check_model(object, call)
  # One metric or loss may be given bare; rkeras's function wrappers stand
  # for their Keras functions (as_keras_function()).
  if (is.function(metrics) || is_python_object(metrics)) {
    metrics <- list(metrics)
  }
  if (!is.null(metrics)) {
    metrics <- lapply(as.list(metrics), as_keras_function)
  }
  loss <- if (is.list(loss)) lapply(loss, as_keras_function) else as_keras_function(loss)
  with_python_errors(
    object$compile(
      optimizer = optimizer, loss = loss, metrics = metrics, ...,
      loss_weights = loss_weights, weighted_metrics = weighted_metrics,
      run_eagerly = arg_flag(run_eagerly, "run_eagerly"),
      steps_per_execution = arg_integer(steps_per_execution, "steps_per_execution", min = 1),
      jit_compile = jit_compile, auto_scale_loss = arg_flag(auto_scale_loss, "auto_scale_loss")
    ),
    call
  )
  invisible(object)
}

#' @rdname model-training
#' @param x,y Inputs and targets: R arrays, vectors or data frames of numeric
#'   columns, or lists of them.
#' @param batch_size,epochs,steps_per_epoch,validation_steps,validation_batch_size,validation_freq
#'   Whole numbers; R doubles such as `32` are accepted.
#' @param verbose `0` (silent), `1` (a progress bar), `2` (one line per epoch),
#'   or `"auto"`: `1` in a console that can draw Keras's progress bar, `2`
#'   elsewhere (output to a file, a knitr document), so no terminal escape
#'   codes land there.
#' @param callbacks A list of Keras callbacks.
#' @param validation_split Fraction of the data held out for validation.
#' @param validation_data A list `list(x_val, y_val)`.
#' @param shuffle Whether to shuffle before each epoch.
#' @param class_weight,sample_weight Weights, as in Keras.
#' @param initial_epoch The epoch to start at, counted from 1 as in keras3.
#' @returns `fit()` returns an `rkeras_history`: the metrics per epoch, with
#'   `print()`, `plot()` and `as.data.frame()` methods.
#' @method fit keras.src.models.model.Model
#' @export
fit.keras.src.models.model.Model <- function(object, x = NULL, y = NULL, ..., batch_size = NULL,
                                             epochs = 1L, verbose = "auto", callbacks = NULL,
                                             validation_split = 0, validation_data = NULL,
                                             shuffle = TRUE, class_weight = NULL,
                                             sample_weight = NULL, initial_epoch = 1L,
                                             steps_per_epoch = NULL, validation_steps = NULL,
                                             validation_batch_size = NULL, validation_freq = 1L) {
  call <- rlang::current_env()
  check_model(object, call)
  epochs <- arg_integer(epochs, "epochs", min = 1)
  initial_epoch <- arg_integer(initial_epoch, "initial_epoch", min = 1)
  args <- list(
    x = as_model_data(x, "x", call), y = as_model_data(y, "y", call), ...,
    batch_size = arg_integer(batch_size, "batch_size", min = 1, nullable = TRUE),
    epochs = epochs, verbose = arg_verbose(verbose, call),
    callbacks = as_callbacks(callbacks, call),
    validation_split = arg_number(validation_split, "validation_split", 0, 1, max_open = TRUE),
    validation_data = as_validation_data(validation_data, call),
    shuffle = arg_flag(shuffle, "shuffle"),
    class_weight = class_weight, sample_weight = as_model_data(sample_weight, "sample_weight", call),
    # keras3 counts epochs from 1; Keras from 0.
    initial_epoch = initial_epoch - 1L,
    steps_per_epoch = arg_integer(steps_per_epoch, "steps_per_epoch", min = 1, nullable = TRUE),
    validation_steps = arg_integer(validation_steps, "validation_steps", min = 1, nullable = TRUE),
    validation_batch_size = arg_integer(validation_batch_size, "validation_batch_size",
      min = 1, nullable = TRUE
    ),
    validation_freq = arg_integer(validation_freq, "validation_freq", min = 1)
  )
  history <- run_model_step(object, do.call(object$fit, args), call)
  new_history(history)
}

#' @rdname model-training
#' @param steps Number of batches to run; a whole number.
#' @returns `evaluate()` returns a named list, as keras3 does: the loss and
#'   each metric, so `evaluate(model, x, y)$loss` works.
#' @method evaluate keras.src.models.model.Model
#' @export
evaluate.keras.src.models.model.Model <- function(object, x = NULL, y = NULL, ...,
                                                  batch_size = NULL, verbose = "auto",
                                                  sample_weight = NULL, steps = NULL,
                                                  callbacks = NULL) {
  call <- rlang::current_env()
  check_model(object, call)
  args <- list(
    x = as_model_data(x, "x", call), y = as_model_data(y, "y", call), ...,
    batch_size = arg_integer(batch_size, "batch_size", min = 1, nullable = TRUE),
    verbose = arg_verbose(verbose, call),
    sample_weight = as_model_data(sample_weight, "sample_weight", call),
    steps = arg_integer(steps, "steps", min = 1, nullable = TRUE),
    callbacks = as_callbacks(callbacks, call), return_dict = TRUE
  )
  run_model_step(object, do.call(object$evaluate, args), call)
}

#' @rdname model-training
#' @importFrom stats predict
#' @returns `predict()` returns an R array, or a list of them for a model
#'   with several outputs.
#' @method predict keras.src.models.model.Model
#' @export
predict.keras.src.models.model.Model <- function(object, x, ..., batch_size = NULL,
                                                 verbose = "auto", steps = NULL,
                                                 callbacks = NULL) {
  call <- rlang::current_env()
  check_model(object, call)
  args <- list(
    as_model_data(x, "x", call), ...,
    batch_size = arg_integer(batch_size, "batch_size", min = 1, nullable = TRUE),
    verbose = arg_verbose(verbose, call),
    steps = arg_integer(steps, "steps", min = 1, nullable = TRUE),
    callbacks = as_callbacks(callbacks, call)
  )
  run_model_step(object, do.call(object$predict, args), call, training = FALSE)
}

# A layer is not a model; it is Keras's own class, so it gets an error that
# says so rather than R's "no applicable method".
#' @method compile keras.src.layers.layer.Layer
#' @export
compile.keras.src.layers.layer.Layer <- function(object, ...) {
  check_model(object, rlang::current_env())
}

#' @method fit keras.src.layers.layer.Layer
#' @export
fit.keras.src.layers.layer.Layer <- compile.keras.src.layers.layer.Layer

#' @method evaluate keras.src.layers.layer.Layer
#' @export
evaluate.keras.src.layers.layer.Layer <- compile.keras.src.layers.layer.Layer

#' @method predict keras.src.layers.layer.Layer
#' @export
predict.keras.src.layers.layer.Layer <- compile.keras.src.layers.layer.Layer

#' Save and load a model
#'
#' `save_model()` writes a `.keras` file. `load_model()` reads one back.
#'
#' A saved file names [layer_attention()] as Keras's own
#' `keras.layers.Attention`: rkeras's layer has the same configuration and
#' weights, so plain Python Keras and keras3 load the file without rkeras.
#' `load_model()` gives rkeras's layer back in its place, for files saved by
#' rkeras and by plain Keras alike; the outputs are the same.
#'
#' `save_model()` writes to a temporary file beside `filepath` and renames it
#' into place when the save has succeeded, so a failed save never leaves a
#' half-written file where a good one was.
#'
#' @param model For `save_model()`, the model to save. For `load_model()`,
#'   the path of a `.keras` file (or of a directory saved with
#'   `zipped = FALSE`), or a raw vector returned by `save_model()` with
#'   `filepath = NULL`.
#' @param filepath The path to write, ending in `.keras` (with
#'   `zipped = FALSE`, a directory, not ending in `.keras`). `NULL` writes
#'   nothing and returns the file's bytes as a raw vector instead.
#' @param overwrite Whether to replace an existing file.
#' @param zipped Whether to write a zipped `.keras` archive (`NULL`, the
#'   default, and `TRUE`) or an unzipped directory (`FALSE`).
#' @param ... Other arguments for Keras.
#' @param custom_objects A named list of extra classes or functions needed to
#'   load the model.
#' @param compile Whether to compile the loaded model.
#' @param safe_mode Whether to refuse to load unsafe lambda layers.
#' @returns `save_model()` returns `model`, invisibly, or with
#'   `filepath = NULL` the saved model as a raw vector. `load_model()`
#'   returns the model.
#' @family model functions
#' @export
#' @examplesIf rkeras::is_keras_available()
#' input <- keras_input(shape = c(4, 2))
#' model <- keras_model(input, layer_attention(list(input, input)))
#' path <- tempfile(fileext = ".keras")
#' save_model(model, path)
#' reloaded <- load_model(path)
#' reloaded
#'
#' # In memory: the bytes of a .keras file
#' bytes <- save_model(model)
#' identical(class(load_model(bytes)), class(model))
save_model <- function(model, filepath = NULL, overwrite = FALSE, zipped = NULL, ...) {
  call <- rlang::current_env()
  check_model(model, call, arg = "model")
  zipped <- arg_flag(zipped, "zipped", nullable = TRUE)
  if (is.null(filepath)) {
    if (isFALSE(zipped)) {
      cli::cli_abort(
        "{.code zipped = FALSE} needs a {.arg filepath}: only a zipped {.file .keras} file can be returned as bytes.",
        call = call, class = "rkeras_arg_error"
      )
    }
    path <- tempfile(pattern = "rkeras-model-", fileext = ".keras")
    on.exit(unlink(path), add = TRUE)
    save_model(model, path, ...)
    return(readBin(path, what = "raw", n = file.size(path)))
  }
  filepath <- arg_string(filepath, "filepath")
  overwrite <- arg_flag(overwrite, "overwrite")
  check_savable(model, call)
  if (!isFALSE(zipped) && !grepl("\\.keras$", filepath)) {
    cli::cli_abort("{.arg filepath} must end in {.file .keras}, not {.file {filepath}}.", call = call, class = "rkeras_arg_error")
  }
  if (isFALSE(zipped) && grepl("\\.keras$", filepath)) {
    cli::cli_abort(
      "With {.code zipped = FALSE}, {.arg filepath} names a directory, which must not end in {.file .keras}: {.file {filepath}}.",
      call = call, class = "rkeras_arg_error"
    )
  }
  filepath <- path.expand(filepath)
  if (file.exists(filepath) && !overwrite) {
    cli::cli_abort(
      c("{.file {filepath}} already exists.", "i" = "Set {.code overwrite = TRUE} to replace it."),
      call = call, class = "rkeras_arg_error"
    )
  }
  directory <- dirname(filepath)
  if (!dir.exists(directory)) {
    cli::cli_abort("{.arg filepath} must be in an existing directory; {.path {directory}} does not exist.", call = call, class = "rkeras_arg_error")
  }
  # Keras opens the target for writing before it serializes anything. In the
  # same directory, the rename is atomic and never crosses file systems.
  partial <- tempfile(
    pattern = paste0(".", basename(filepath), "-"), tmpdir = directory,
    fileext = if (isFALSE(zipped)) "" else ".keras"
  )
  on.exit(unlink(partial, recursive = TRUE), add = TRUE)
  keras_args <- list(partial, overwrite = TRUE, ...)
  if (!is.null(zipped)) keras_args$zipped <- zipped
  with_python_errors(do.call(model$save, keras_args), call)
  replace_path(partial, filepath, call)
  invisible(model)
}

# Moves `from` into place at `to`. A directory (an unzipped model) cannot be
# renamed over another: the old one is moved aside first and removed after.
replace_path <- function(from, to, call) {
  old <- NULL
  if (dir.exists(to)) {
    old <- tempfile(pattern = paste0(".", basename(to), "-old-"), tmpdir = dirname(to))
    if (!file.rename(to, old)) old <- NULL
  }
  if (!file.rename(from, to)) {
    if (!is.null(old)) file.rename(old, to)
    cli::cli_abort("Could not move the saved model into place at {.path {to}}.", call = call, class = "rkeras_save_error")
  }
  if (!is.null(old)) unlink(old, recursive = TRUE)
}

#' @rdname save_model
#' @export
load_model <- function(model, custom_objects = NULL, compile = TRUE, safe_mode = TRUE) {
  call <- rlang::current_env()
  if (is.raw(model)) {
    filepath <- tempfile(pattern = "rkeras-model-", fileext = ".keras")
    on.exit(unlink(filepath), add = TRUE)
    writeBin(model, filepath)
  } else {
    filepath <- arg_string(model, "model")
    if (!file.exists(filepath)) {
      cli::cli_abort(
        "{.arg model} must be the path of an existing {.file .keras} file or a raw vector; {.file {filepath}} does not exist.",
        call = call, class = "rkeras_arg_error"
      )
    }
  }
  define_custom_layers(call)
  with_python_errors(
    backend_module()$load_model(
      path.expand(filepath),
      custom_objects = custom_objects, compile = arg_flag(compile, "compile"),
      safe_mode = arg_flag(safe_mode, "safe_mode")
    ),
    call
  )
}

#' Data for a model: a data frame as a matrix
#'
#' Used by `fit()`, `evaluate()` and `predict()` for `x`, `y` and
#' `sample_weight`, and by layer functions for `object`.
#'
#' @param x Any value. A data frame of numeric columns becomes a double
#'   matrix (one row per row); any other value is returned unchanged.
#' @param arg The argument's name, for the error message.
#' @param call The caller's environment, for the error message.
#' @returns `x`, or the matrix. A data frame with columns that are not
#'   numeric (factors, strings, dates, logicals, list columns) is an error of
#'   class `rkeras_data_frame_error` naming those columns.
#' @keywords internal
#' @noRd
as_model_input <- function(x, arg = rlang::caller_arg(x), call = rlang::caller_env()) {
  if (!is.data.frame(x)) {
    return(x)
  }
  if (ncol(x) == 0L) {
    cli::cli_abort(
      "{.arg {arg}} must be a data frame with at least one column, not one with none.",
      call = call, class = c("rkeras_data_frame_error", "rkeras_arg_error")
    )
  }
  numeric <- vapply(x, function(column) is.numeric(column) && is.null(dim(column)), logical(1))
  if (!all(numeric)) {
    columns <- names(x)[!numeric]
    kinds <- vapply(x[!numeric], function(column) class(column)[[1]], "")
    described <- sprintf("`%s` <%s>", columns, kinds)
    cli::cli_abort(
      c(
        "{.arg {arg}} must be a data frame of numeric columns, to become a matrix.",
        "x" = "{cli::qty(length(columns))}Column{?s} {described} {?is/are} not numeric.",
        "i" = "Convert {cli::qty(length(columns))}{?it/them} to numbers first (a factor with {.fn model.matrix}, a logical with {.fn as.numeric}), or drop {?it/them}."
      ),
      call = call, class = c("rkeras_data_frame_error", "rkeras_arg_error")
    )
  }
  matrix <- as.matrix(x)
  storage.mode(matrix) <- "double"
  unname(matrix)
}

# A plain R vector would reach Python as a list, which Keras rejects as data
# with a misleading message; as in keras3, it becomes a 1-d array. A data
# frame is a list too, but of columns: it becomes one matrix. Strings become
# a string tensor. Lists (of
# inputs, or validation_data) are handled element by element.
as_model_data <- function(x, arg, call) {
  if (is.data.frame(x)) {
    return(as_model_input(x, arg, call))
  }
  # Text for the string layers (layer_text_vectorization()): Keras takes it
  # as a string tensor.
  if (is.character(x)) {
    if (anyNA(x) || !length(x)) {
      abort_arg(arg, "strings without `NA`", x, call = call)
    }
    return(with_python_errors(compose_module()$string_data(x), call))
  }
  if (is.atomic(x) && !is.null(x) && is.null(dim(x))) {
    return(array(x))
  }
  if (is.list(x) && !inherits(x, "python.builtin.object")) {
    labels <- if (is.null(names(x))) rep("", length(x)) else names(x)
    labels <- ifelse(nzchar(labels), sprintf("%s$%s", arg, labels), sprintf("%s[[%d]]", arg, seq_along(x)))
    x[] <- Map(as_model_data, x, labels, MoreArgs = list(call = call))
    return(x)
  }
  x
}

# Keras takes validation data as a tuple (x, y[, sample_weight]).
as_validation_data <- function(x, call) {
  if (is.list(x) && !is.data.frame(x) && !inherits(x, "python.builtin.object")) {
    return(do.call(reticulate::tuple, unname(as_model_data(x, "validation_data", call))))
  }
  x
}

check_model <- function(object, call, arg = "object") {
  if (!is_instance(object, "keras.Model")) {
    cli::cli_abort("{.arg {arg}} must be a Keras model, not {describe_value(object)}.", call = call, class = "rkeras_arg_error")
  }
}

# Keras draws its progress bar with carriage returns and ANSI colours, which
# only a console renders; elsewhere (Rscript into a file, knitr) they would
# land in the output as raw escape codes. keras3 makes the same choice.
arg_verbose <- function(x, call) {
  if (identical(x, "auto")) {
    return(if (draws_progress_bar()) 1L else 2L)
  }
  arg_integer(x, "verbose", min = 0, max = 2, call = call)
}

# cli knows the consoles that render both (terminals, RStudio) and the
# places that do not (files, pipes, knitr), and honours the user's options.
draws_progress_bar <- function() {
  cli::is_dynamic_tty(stream = stdout()) && cli::num_ansi_colors(stream = stdout()) > 1L
}

# Keras on TensorFlow creates what a model still lacks (the loss's and
# metrics' variables, the optimizer's slots, unbuilt layers' weights) while
# it traces the model's first training or test step. When that trace fails
# (targets of the wrong shape, say), what it made is left half built, and
# every later call fails with a tf.function message about creating variables
# on a non-first call. So: run `expr` (a call of one of `object`'s methods);
# if it fails before the model has ever trained, compile the model again from
# its own configuration, which discards the half-built state and loses
# nothing, and say so. If the failure built the layers themselves, their
# weights were never set and the model must be made again.
run_model_step <- function(object, expr, call, training = TRUE) {
  built <- isTRUE(object$built)
  trained <- isTRUE(object$compiled) && isTRUE(object$optimizer$built)
  tryCatch(with_python_errors(expr, call), rkeras_python_error = function(error) {
    notes <- if (!built && isTRUE(object$built)) {
      c(
        "x" = "The failed call built the model's layers but could not set their weights, so this model cannot be used.",
        "i" = "Create the model again. Giving it its input shape (such as {.code keras_model_sequential(input_shape = 4)}) builds it at once."
      )
    } else if (grepl("Creating variables on a non-first call", conditionMessage(error), fixed = TRUE)) {
      recompile_notes(object, "An earlier call failed part-way and left the model's training state half built.")
    } else if (training && !trained && isTRUE(object$compiled)) {
      recompile_notes(object, "The failed call may have left the model's training state half built.")
    }
    error$body <- c(error$body, vapply(notes, cli::format_inline, ""))
    stop(error)
  })
}

recompile_notes <- function(object, cause) {
  recompiled <- tryCatch(
    {
      # Unconverted: through R, a list of one metric would come back a string.
      builtins <- reticulate::import_builtins(convert = FALSE)
      object$compile_from_config(reticulate::py_call(builtins$getattr(object, "get_compile_config")))
      TRUE
    },
    error = function(e) FALSE
  )
  if (recompiled) {
    return(c("i" = cause, "i" = "rkeras compiled the model again from its configuration, so the next call can succeed once the data are fixed."))
  }
  c("i" = cause, "i" = "Call {.fn compile} on the model again before the next call.")
}

# Callbacks for fit(), evaluate() and predict(): one Keras callback or a list
# of them (NULL entries dropped, so `if (...) callback_x()` composes).
as_callbacks <- function(callbacks, call) {
  if (is.null(callbacks)) {
    return(NULL)
  }
  if (is_python_object(callbacks)) {
    callbacks <- list(callbacks)
  }
  if (!is.list(callbacks)) {
    abort_arg("callbacks", "a Keras callback or a list of them", callbacks, nullable = TRUE, call = call)
  }
  callbacks <- Filter(Negate(is.null), callbacks)
  for (i in seq_along(callbacks)) {
    if (!is_instance(callbacks[[i]], "keras.callbacks.Callback")) {
      abort_arg(sprintf("callbacks[[%d]]", i), "a Keras callback, such as `callback_early_stopping()` returns", callbacks[[i]], call = call)
    }
  }
  callbacks
}
