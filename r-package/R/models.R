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
keras_input <- function(shape = NULL, batch_size = NULL, dtype = NULL, sparse = NULL,
                        batch_shape = NULL, name = NULL, tensor = NULL, optional = FALSE) {
  call <- rlang::current_env()
  args <- list(
    shape = arg_shape(shape, "shape", nullable = TRUE),
    batch_size = arg_integer(batch_size, "batch_size", min = 1, nullable = TRUE),
    dtype = arg_string(dtype, "dtype", nullable = TRUE),
    sparse = arg_flag(sparse, "sparse", nullable = TRUE),
    batch_shape = arg_shape(batch_shape, "batch_shape", nullable = TRUE),
    name = arg_string(name, "name", nullable = TRUE),
    tensor = arg_tensor(tensor, "tensor", nullable = TRUE),
    optional = arg_flag(optional, "optional")
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
#' @param input_dtype,input_batch_size,input_batch_shape,input_name Passed to
#'   [keras_input()] when `input_shape` or `input_batch_shape` is given.
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
                                   input_batch_size = NULL, input_batch_shape = NULL,
                                   input_name = NULL, trainable = TRUE, layers = list()) {
  call <- rlang::current_env()
  layers <- c(list(...), layers)
  if (!is.null(input_shape) || !is.null(input_batch_shape)) {
    layers <- c(list(keras_input(
      shape = input_shape, batch_size = input_batch_size, dtype = input_dtype,
      batch_shape = input_batch_shape, name = input_name
    )), layers)
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

#' Configure, train, evaluate and use a Keras model
#'
#' `compile()` sets the optimizer, loss and metrics; `fit()` trains;
#' `evaluate()` measures; `predict()` returns predictions as R arrays.
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
NULL

#' @rdname model-training
#' @method compile python.builtin.object
#' @export
compile.python.builtin.object <- function(object, optimizer = "rmsprop", loss = NULL,
                                          metrics = NULL, ..., loss_weights = NULL,
                                          weighted_metrics = NULL, run_eagerly = FALSE,
                                          steps_per_execution = 1L, jit_compile = "auto",
                                          auto_scale_loss = TRUE) {
  call <- rlang::current_env()
  check_model(object, call)
  if (is.character(metrics)) {
    metrics <- as.list(metrics)
  }
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
#' @param x,y Inputs and targets: R arrays, or lists of them.
#' @param batch_size,epochs,steps_per_epoch,validation_steps,validation_batch_size,validation_freq
#'   Whole numbers; R doubles such as `32` are accepted.
#' @param verbose `"auto"`, `0`, `1` or `2`.
#' @param callbacks A list of Keras callbacks.
#' @param validation_split Fraction of the data held out for validation.
#' @param validation_data A list `list(x_val, y_val)`.
#' @param shuffle Whether to shuffle before each epoch.
#' @param class_weight,sample_weight Weights, as in Keras.
#' @param initial_epoch The epoch to start at, counted from 1 as in keras3.
#' @returns `fit()` returns an `rkeras_history`: the metrics per epoch, with
#'   `print()`, `plot()` and `as.data.frame()` methods.
#' @method fit python.builtin.object
#' @export
fit.python.builtin.object <- function(object, x = NULL, y = NULL, ..., batch_size = NULL,
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
  history <- with_python_errors(
    object$fit(
      x = as_model_data(x), y = as_model_data(y), ...,
      batch_size = arg_integer(batch_size, "batch_size", min = 1, nullable = TRUE),
      epochs = epochs, verbose = arg_verbose(verbose),
      callbacks = callbacks,
      validation_split = arg_number(validation_split, "validation_split", 0, 1, max_open = TRUE),
      validation_data = as_validation_data(validation_data), shuffle = arg_flag(shuffle, "shuffle"),
      class_weight = class_weight, sample_weight = as_model_data(sample_weight),
      # keras3 counts epochs from 1; Keras from 0.
      initial_epoch = initial_epoch - 1L,
      steps_per_epoch = arg_integer(steps_per_epoch, "steps_per_epoch", min = 1, nullable = TRUE),
      validation_steps = arg_integer(validation_steps, "validation_steps", min = 1, nullable = TRUE),
      validation_batch_size = arg_integer(validation_batch_size, "validation_batch_size",
        min = 1, nullable = TRUE
      ),
      validation_freq = arg_integer(validation_freq, "validation_freq", min = 1)
    ),
    call
  )
  new_history(history)
}

#' @rdname model-training
#' @param steps Number of batches to run; a whole number.
#' @returns `evaluate()` returns a named list, as keras3 does: the loss and
#'   each metric, so `evaluate(model, x, y)$loss` works.
#' @method evaluate python.builtin.object
#' @export
evaluate.python.builtin.object <- function(object, x = NULL, y = NULL, ..., batch_size = NULL,
                                           verbose = "auto", sample_weight = NULL, steps = NULL,
                                           callbacks = NULL) {
  call <- rlang::current_env()
  check_model(object, call)
  with_python_errors(
    object$evaluate(
      x = as_model_data(x), y = as_model_data(y), ...,
      batch_size = arg_integer(batch_size, "batch_size", min = 1, nullable = TRUE),
      verbose = arg_verbose(verbose), sample_weight = as_model_data(sample_weight),
      steps = arg_integer(steps, "steps", min = 1, nullable = TRUE),
      callbacks = callbacks, return_dict = TRUE
    ),
    call
  )
}

#' @rdname model-training
#' @importFrom stats predict
#' @returns `predict()` returns an R array, or a list of them for a model
#'   with several outputs.
#' @export
predict.python.builtin.object <- function(object, x, ..., batch_size = NULL, verbose = "auto",
                                          steps = NULL, callbacks = NULL) {
  call <- rlang::current_env()
  check_model(object, call)
  with_python_errors(
    object$predict(
      as_model_data(x), ...,
      batch_size = arg_integer(batch_size, "batch_size", min = 1, nullable = TRUE),
      verbose = arg_verbose(verbose),
      steps = arg_integer(steps, "steps", min = 1, nullable = TRUE),
      callbacks = callbacks
    ),
    call
  )
}

#' Save and load a model
#'
#' `save_model()` writes a `.keras` file. `load_model()` reads one back;
#' rkeras's own layers are registered first, so a model holding
#' [layer_attention()] reloads in a fresh R session.
#'
#' @param model For `save_model()`, the model to save. For `load_model()`,
#'   the path of a `.keras` file.
#' @param filepath The path to write, ending in `.keras`.
#' @param overwrite Whether to replace an existing file.
#' @param ... Other arguments for Keras.
#' @param custom_objects A named list of extra classes or functions needed to
#'   load the model.
#' @param compile Whether to compile the loaded model.
#' @param safe_mode Whether to refuse to load unsafe lambda layers.
#' @returns `save_model()` returns `model`, invisibly. `load_model()` returns
#'   the model.
#' @family model functions
#' @export
#' @examplesIf rkeras::is_keras_available()
#' input <- keras_input(shape = c(4, 2))
#' model <- keras_model(input, layer_attention(list(input, input)))
#' path <- tempfile(fileext = ".keras")
#' save_model(model, path)
#' reloaded <- load_model(path)
#' reloaded
save_model <- function(model, filepath = NULL, overwrite = FALSE, ...) {
  call <- rlang::current_env()
  check_model(model, call, arg = "model")
  filepath <- arg_string(filepath, "filepath")
  if (!grepl("\\.keras$", filepath)) {
    cli::cli_abort("{.arg filepath} must end in {.file .keras}, not {.file {filepath}}.", call = call, class = "rkeras_arg_error")
  }
  if (file.exists(filepath) && !isTRUE(overwrite)) {
    cli::cli_abort(
      c("{.file {filepath}} already exists.", "i" = "Set {.code overwrite = TRUE} to replace it."),
      call = call, class = "rkeras_arg_error"
    )
  }
  with_python_errors(model$save(path.expand(filepath), overwrite = TRUE, ...), call)
  invisible(model)
}

#' @rdname save_model
#' @export
load_model <- function(model, custom_objects = NULL, compile = TRUE, safe_mode = TRUE) {
  call <- rlang::current_env()
  filepath <- arg_string(model, "model")
  if (!file.exists(filepath)) {
    cli::cli_abort("{.arg model} must be the path of an existing {.file .keras} file; {.file {filepath}} does not exist.", call = call, class = "rkeras_arg_error")
  }
  backend_module()
  with_python_errors(
    keras_module()$saving$load_model(
      path.expand(filepath),
      custom_objects = custom_objects, compile = arg_flag(compile, "compile"),
      safe_mode = arg_flag(safe_mode, "safe_mode")
    ),
    call
  )
}

# A plain R vector would reach Python as a list, which Keras rejects as data
# with a misleading message; as in keras3, it becomes a 1-d array. Lists (of
# inputs, or validation_data) are handled element by element.
as_model_data <- function(x) {
  if (is.atomic(x) && !is.null(x) && is.null(dim(x))) {
    return(array(x))
  }
  if (is.list(x) && !inherits(x, "python.builtin.object")) {
    return(lapply(x, as_model_data))
  }
  x
}

# Keras takes validation data as a tuple (x, y[, sample_weight]).
as_validation_data <- function(x) {
  if (is.list(x) && !inherits(x, "python.builtin.object")) {
    return(do.call(reticulate::tuple, unname(as_model_data(x))))
  }
  x
}

check_model <- function(object, call, arg = "object") {
  if (!is_instance(object, "keras.Model")) {
    cli::cli_abort("{.arg {arg}} must be a Keras model, not {describe_value(object)}.", call = call, class = "rkeras_arg_error")
  }
}

arg_verbose <- function(x) {
  if (identical(x, "auto")) {
    return(x)
  }
  arg_integer(x, "verbose", min = 0, max = 2, call = rlang::caller_env())
}
