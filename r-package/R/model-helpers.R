# Model helpers in keras3's names and argument order: weights, freezing,
# weight files, layers by name or 1-based index, single-batch steps, and a
# few utilities. Runtime code: each checks its arguments in R, then calls
# Keras through keras_module() or the object's own methods.

check_layer <- function(object, call, arg = "object") {
  if (!is_instance(object, "keras.layers.Layer")) {
    cli::cli_abort("{.arg {arg}} must be a Keras layer or model, not {describe_value(object)}.", call = call, class = "rkeras_arg_error")
  }
}

# NumPy arrays (from an object whose methods do not convert) become R arrays.
as_r_value <- function(x) {
  if (inherits(x, "python.builtin.object")) reticulate::py_to_r(x) else x
}

#' Get or set the weights of a layer or model
#'
#' `get_weights()` returns the weights as a list of R arrays; `set_weights()`
#' sets them from such a list, in the same order and of the same shapes.
#'
#' @param object A Keras layer or model.
#' @param trainable `NA` (all weights), `TRUE` (only the trainable ones) or
#'   `FALSE` (only the non-trainable ones).
#' @param weights A list of R arrays (or numeric vectors), one per weight.
#' @returns `get_weights()` returns a list of R arrays. `set_weights()`
#'   returns `object`, invisibly, modified in place.
#' @family model functions
#' @export
#' @examplesIf rkeras::is_keras_available()
#' model <- keras_model_sequential(input_shape = 3)
#' layer_dense(model, units = 2)
#' weights <- get_weights(model)
#' lapply(weights, dim)
#' weights[[1]][] <- 1
#' set_weights(model, weights)
#' get_weights(model)[[1]]
get_weights <- function(object, trainable = NA) {
  call <- rlang::current_env()
  check_layer(object, call)
  if (!(is.logical(trainable) && length(trainable) == 1L)) {
    abort_arg("trainable", "`TRUE`, `FALSE` or `NA`", trainable, call = call)
  }
  variables <- if (is.na(trainable)) {
    object$weights
  } else if (trainable) {
    object$trainable_weights
  } else {
    object$non_trainable_weights
  }
  with_python_errors(lapply(variables, function(v) as_r_value(v$numpy())), call)
}

#' @rdname get_weights
#' @export
set_weights <- function(object, weights) {
  call <- rlang::current_env()
  check_layer(object, call)
  valid <- is.list(weights) && !inherits(weights, "python.builtin.object") &&
    all(vapply(weights, function(w) is.numeric(w) || is.logical(w), logical(1)))
  if (!valid) {
    abort_arg("weights", "a list of R arrays", weights, call = call)
  }
  weights <- lapply(unname(weights), function(w) if (is.null(dim(w))) array(w) else w)
  with_python_errors(object$set_weights(weights), call)
  invisible(object)
}

#' Freeze and unfreeze weights
#'
#' `freeze_weights()` makes a model's (or layer's) weights non-trainable;
#' `unfreeze_weights()` makes them trainable. With `from` and/or `to`, only
#' the layers from `from` to `to` (inclusive) change, and the others get the
#' opposite setting. With `which`, only the chosen layers change.
#' Compile the model again after freezing or unfreezing.
#'
#' @param object A Keras model or layer.
#' @param from,to The first and last layer: a layer name, or a 1-based index
#'   into `object$layers` (negative indices count from the end, `-1` being
#'   the last layer). `NULL` means the first and the last layer.
#' @param which The layers to change: layer names, 1-based indices, a
#'   logical vector with one value per layer, or a function (or formula)
#'   taking a layer and returning `TRUE` or `FALSE`. The other layers get the
#'   opposite setting. Cannot be used with `from` or `to`.
#' @returns `object`, invisibly, modified in place.
#' @family model functions
#' @export
#' @examplesIf rkeras::is_keras_available()
#' model <- keras_model_sequential(input_shape = 4)
#' layer_dense(model, units = 3, name = "first")
#' layer_dense(model, units = 2, name = "second")
#' layer_dense(model, units = 1, name = "third")
#' freeze_weights(model, from = "first", to = 2)
#' vapply(model$layers, function(layer) layer$trainable, TRUE)
#' unfreeze_weights(model)
#' freeze_weights(model, which = "third")
#' count_params(model)
freeze_weights <- function(object, from = NULL, to = NULL, which = NULL) {
  set_trainable(object, from, to, which, FALSE, rlang::current_env())
}

#' @rdname freeze_weights
#' @export
unfreeze_weights <- function(object, from = NULL, to = NULL, which = NULL) {
  set_trainable(object, from, to, which, TRUE, rlang::current_env())
}

set_trainable <- function(object, from, to, which, trainable, call) {
  check_layer(object, call)
  if (!is.null(which) && (!is.null(from) || !is.null(to))) {
    cli::cli_abort("Supply either {.arg which} or {.arg from}/{.arg to}, not both.", call = call, class = "rkeras_arg_error")
  }
  if (is.null(which) && is.null(from) && is.null(to)) {
    object$trainable <- trainable
    return(invisible(object))
  }
  layers <- object$layers
  names <- vapply(layers, function(layer) layer$name, "")
  chosen <- if (!is.null(which)) {
    which_layers(which, layers, names, call)
  } else {
    first <- if (is.null(from)) 1L else layer_position(from, "from", names, call)
    last <- if (is.null(to)) length(layers) else layer_position(to, "to", names, call)
    seq_along(layers) %in% seq(first, last)[first <= last]
  }
  object$trainable <- TRUE
  for (i in seq_along(layers)) {
    layers[[i]]$trainable <- if (chosen[[i]]) trainable else !trainable
  }
  invisible(object)
}

# A layer name or a 1-based (or negative, from the end) index, as a position.
layer_position <- function(x, arg, names, call) {
  n <- length(names)
  if (is.character(x)) {
    x <- arg_string(x, arg, call = call)
    if (!x %in% names) {
      cli::cli_abort("{.arg {arg}} must be the name of a layer of {.arg object}; there is no layer {.val {x}}.", call = call, class = "rkeras_arg_error")
    }
    return(match(x, names))
  }
  if (!is_whole_number(x) || x == 0 || abs(x) > n) {
    abort_arg(arg, sprintf("a layer name or a whole number from 1 to %d (or -%d to -1)", n, n), x, call = call)
  }
  x <- as.integer(x)
  if (x < 0L) n + x + 1L else x
}

which_layers <- function(which, layers, names, call) {
  n <- length(layers)
  if (inherits(which, "formula")) {
    which <- rlang::as_function(which)
  }
  if (is.function(which)) {
    which <- vapply(layers, function(layer) isTRUE(which(layer)), logical(1))
  }
  if (is.logical(which) && length(which) == n && !anyNA(which)) {
    return(which)
  }
  if (is.character(which) && length(which) > 0L && all(which %in% names)) {
    return(names %in% which)
  }
  if (is.numeric(which) && length(which) > 0L && all(which == round(which)) &&
        all(which != 0 & abs(which) <= n)) {
    which <- ifelse(which < 0, n + which + 1, which)
    return(seq_len(n) %in% which)
  }
  abort_arg(
    "which",
    sprintf("layer names, indices from 1 to %d, %d logical values, or a function of a layer", n, n),
    which, call = call
  )
}

#' Save and load a model's weights
#'
#' `save_model_weights()` writes the weights of a model to a `.weights.h5`
#' file; `load_model_weights()` reads them into a model of the same
#' architecture.
#'
#' @param model A Keras model.
#' @param filepath The path of the weights file, ending in `.weights.h5`.
#' @param overwrite Whether to replace an existing file.
#' @param max_shard_size `NULL` (one file), or the largest size of a file in
#'   gigabytes: the weights are then split over several files, listed in a
#'   `.weights.json` file, which is the path to give (ending in
#'   `.weights.json`).
#' @param skip_mismatch Whether to skip layers whose weights do not match in
#'   number or shape.
#' @param ... Other arguments for Keras's `Model.load_weights()`.
#' @returns `model`, invisibly.
#' @family model functions
#' @export
#' @examplesIf rkeras::is_keras_available()
#' model <- keras_model_sequential(input_shape = 3)
#' layer_dense(model, units = 2)
#' path <- tempfile(fileext = ".weights.h5")
#' save_model_weights(model, path)
#' copy <- clone_model(model)
#' load_model_weights(copy, path)
#' all.equal(get_weights(copy), get_weights(model))
save_model_weights <- function(model, filepath, overwrite = FALSE, max_shard_size = NULL) {
  call <- rlang::current_env()
  check_model(model, call, arg = "model")
  filepath <- path.expand(arg_string(filepath, "filepath"))
  overwrite <- arg_flag(overwrite, "overwrite")
  max_shard_size <- arg_number(max_shard_size, "max_shard_size", min = 0, min_open = TRUE, nullable = TRUE)
  # Keras would ask on the console before replacing a file; here it is an error.
  if (file.exists(filepath) && !overwrite) {
    cli::cli_abort(
      c("{.file {filepath}} already exists.", "i" = "Set {.code overwrite = TRUE} to replace it."),
      call = call, class = "rkeras_arg_error"
    )
  }
  with_python_errors(model$save_weights(filepath, overwrite = TRUE, max_shard_size = max_shard_size), call)
  invisible(model)
}

#' @rdname save_model_weights
#' @export
load_model_weights <- function(model, filepath, skip_mismatch = FALSE, ...) {
  call <- rlang::current_env()
  check_model(model, call, arg = "model")
  filepath <- path.expand(arg_string(filepath, "filepath"))
  skip_mismatch <- arg_flag(skip_mismatch, "skip_mismatch")
  if (!file.exists(filepath)) {
    cli::cli_abort("{.arg filepath} must be an existing weights file; {.file {filepath}} does not exist.", call = call, class = "rkeras_arg_error")
  }
  with_python_errors(model$load_weights(filepath, skip_mismatch = skip_mismatch, ...), call)
  invisible(model)
}

#' Export a model as a TensorFlow SavedModel, for serving
#'
#' Writes an inference-only artifact: the model's forward pass (the `serve`
#' endpoint) and its weights, which TensorFlow Serving, TensorFlow in any
#' language, or [layer_tfsm()] can load without the model's code. Use
#' `save_model()` instead to keep the model whole for more training in Keras.
#'
#' @param object A Keras model.
#' @param export_dir_base The directory to write the artifact to.
#' @param ... Further keyword arguments for Keras's `Model.export()`.
#' @param format `"tf_saved_model"` (the default) or `"onnx"` (which needs
#'   the onnx Python packages).
#' @param verbose Whether to print what was exported; `NULL` for Keras's
#'   default.
#' @param input_signature The shape and dtype of the inputs, such as
#'   `keras_input()` tensors; `NULL` to take them from the model.
#' @returns `object`, invisibly.
#' @family model functions
#' @export
#' @examplesIf rkeras::is_keras_available()
#' model <- keras_model_sequential(input_shape = 3)
#' layer_dense(model, units = 2)
#' path <- tempfile("savedmodel-")
#' export_savedmodel(model, path, verbose = FALSE)
#' list.files(path)
#' served <- layer_tfsm(filepath = path)
#' x <- matrix(1:6 / 10, nrow = 2)
#' as.array(served(x))
export_savedmodel <- function(object, export_dir_base, ..., format = "tf_saved_model",
                              verbose = NULL, input_signature = NULL) {
  call <- rlang::current_env()
  check_model(object, call)
  path <- path.expand(arg_string(export_dir_base, "export_dir_base"))
  format <- arg_choice(format, "format", c("tf_saved_model", "onnx"))
  verbose <- arg_flag(verbose, "verbose", nullable = TRUE)
  with_python_errors(
    object$export(path, format = format, verbose = verbose, input_signature = input_signature, ...),
    call
  )
  invisible(object)
}

#' Layers of a model, and its size
#'
#' `get_layer()` returns a layer by name or by 1-based index into
#' `object$layers`. `pop_layer()` removes the last layer of a sequential
#' model. `clone_model()` makes a new model of the same architecture with
#' new weights. `count_params()` counts the weights' scalars.
#'
#' @param object A Keras model (for `count_params()`, a built layer too).
#' @param name A layer name.
#' @param index A 1-based index into `object$layers`.
#' @param rebuild Whether to rebuild the model after removing the layer.
#' @param model A Keras model.
#' @param input_tensors Optional inputs for the new model, as in Keras.
#' @param clone_function A function taking a layer and returning the layer
#'   to use in the clone; by default, a new layer of the same configuration.
#' @param call_function,recursive,... As in Keras's `clone_model()`.
#' @returns `get_layer()` returns the layer. `pop_layer()` returns `object`,
#'   invisibly, modified in place. `clone_model()` returns the new model.
#'   `count_params()` returns a whole number.
#' @family model functions
#' @export
#' @examplesIf rkeras::is_keras_available()
#' model <- keras_model_sequential(input_shape = 3)
#' layer_dense(model, units = 4, name = "hidden")
#' layer_dense(model, units = 1, name = "output")
#' get_layer(model, "hidden")
#' get_layer(model, index = 2)
#' count_params(model)
#' copy <- clone_model(model)
#' pop_layer(copy)
#' length(copy$layers)
get_layer <- function(object, name = NULL, index = NULL) {
  call <- rlang::current_env()
  check_model(object, call)
  name <- arg_string(name, "name", nullable = TRUE)
  n <- length(object$layers)
  index <- arg_integer(index, "index", min = 1, max = n, nullable = TRUE)
  if (is.null(name) == is.null(index)) {
    cli::cli_abort("Supply exactly one of {.arg name} and {.arg index}.", call = call, class = "rkeras_arg_error")
  }
  if (!is.null(index)) {
    return(object$layers[[index]])
  }
  with_python_errors(object$get_layer(name = name), call)
}

#' @rdname get_layer
#' @export
pop_layer <- function(object, rebuild = TRUE) {
  call <- rlang::current_env()
  if (!is_instance(object, "keras.Sequential")) {
    cli::cli_abort("{.arg object} must be a sequential Keras model, not {describe_value(object)}.", call = call, class = "rkeras_arg_error")
  }
  rebuild <- arg_flag(rebuild, "rebuild")
  with_python_errors(object$pop(rebuild = rebuild), call)
  invisible(object)
}

#' @rdname get_layer
#' @export
clone_model <- function(model, input_tensors = NULL, clone_function = NULL, call_function = NULL,
                        recursive = FALSE, ...) {
  call <- rlang::current_env()
  check_model(model, call, arg = "model")
  for (arg in c("clone_function", "call_function")) {
    value <- get(arg)
    if (!is.null(value) && !is.function(value) && !inherits(value, "python.builtin.object")) {
      abort_arg(arg, "a function", value, nullable = TRUE, call = call)
    }
  }
  with_python_errors(
    keras_module()$models$clone_model(
      model,
      input_tensors = input_tensors, clone_function = clone_function,
      call_function = call_function, recursive = arg_flag(recursive, "recursive"), ...
    ),
    call
  )
}

#' @rdname get_layer
#' @export
count_params <- function(object) {
  call <- rlang::current_env()
  check_layer(object, call)
  as.numeric(with_python_errors(object$count_params(), call))
}

#' Train, test or predict on a single batch
#'
#' One gradient update (`train_on_batch()`), one evaluation
#' (`test_on_batch()`) or one prediction (`predict_on_batch()`) on a single
#' batch of data, without the loop of `fit()`, `evaluate()` and `predict()`.
#'
#' @param object A compiled Keras model (for `predict_on_batch()`, any model).
#' @param x,y Inputs and targets: R arrays, vectors or data frames of numeric
#'   columns, or lists of them.
#' @param sample_weight Optional weights, one per sample.
#' @param class_weight Optional weights per class, as in `fit()`.
#' @param ... Must be empty; kept for keras3's signature of `test_on_batch()`.
#' @returns `train_on_batch()` and `test_on_batch()` return a named list: the
#'   loss and each metric. `predict_on_batch()` returns an R array, or a list
#'   of them for a model with several outputs.
#' @family model functions
#' @export
#' @examplesIf rkeras::is_keras_available()
#' model <- keras_model_sequential(input_shape = 2)
#' layer_dense(model, units = 1)
#' compile(model, optimizer = "sgd", loss = "mse", metrics = "mae")
#' x <- matrix(runif(16), 8)
#' y <- rowSums(x)
#' train_on_batch(model, x, y)
#' test_on_batch(model, x, y)
#' predict_on_batch(model, x)
train_on_batch <- function(object, x, y = NULL, sample_weight = NULL, class_weight = NULL) {
  call <- rlang::current_env()
  check_model(object, call)
  run_model_step(
    object,
    object$train_on_batch(
      x = as_model_data(x, "x", call), y = as_model_data(y, "y", call),
      sample_weight = as_model_data(sample_weight, "sample_weight", call),
      class_weight = class_weight, return_dict = TRUE
    ),
    call
  )
}

#' @rdname train_on_batch
#' @export
test_on_batch <- function(object, x, y = NULL, sample_weight = NULL, ...) {
  call <- rlang::current_env()
  check_model(object, call)
  # keras3's place for arguments of later Keras versions; Keras 3.15 has none.
  rlang::check_dots_empty(call = call)
  run_model_step(
    object,
    object$test_on_batch(
      x = as_model_data(x, "x", call), y = as_model_data(y, "y", call),
      sample_weight = as_model_data(sample_weight, "sample_weight", call),
      return_dict = TRUE
    ),
    call
  )
}

#' @rdname train_on_batch
#' @export
predict_on_batch <- function(object, x) {
  call <- rlang::current_env()
  check_model(object, call)
  result <- run_model_step(object, object$predict_on_batch(as_model_data(x, "x", call)), call, training = FALSE)
  if (is.list(result) && !inherits(result, "python.builtin.object")) lapply(result, as_r_value) else as_r_value(result)
}

#' Labels as one-hot columns
#'
#' Converts integer class labels, counted from 0 as in keras3, to a matrix
#' with one row per label and one column per class.
#'
#' @param x A vector of whole numbers from 0, the class labels.
#' @param num_classes The number of classes; by default one more than the
#'   largest label.
#' @returns A double matrix of 0s and 1s.
#' @family model functions
#' @export
#' @examplesIf rkeras::is_keras_available()
#' to_categorical(c(0, 2, 1, 2))
#' to_categorical(c(0, 1), num_classes = 4)
to_categorical <- function(x, num_classes = NULL) {
  call <- rlang::current_env()
  labels <- if (is.factor(x)) NULL else x
  if (!(is.numeric(labels) && length(labels) > 0L && all(is.finite(labels)) &&
          all(labels == round(labels)) && all(labels >= 0))) {
    abort_arg("x", "a vector of whole numbers from 0", x, call = call)
  }
  num_classes <- arg_integer(num_classes, "num_classes", min = max(labels) + 1, nullable = TRUE)
  result <- with_python_errors(
    keras_module()$utils$to_categorical(as.integer(labels), num_classes = num_classes),
    call
  )
  result <- as_r_value(result)
  matrix(as.double(result), nrow = length(labels))
}

#' Seed R's, Python's and the backend's random numbers
#'
#' Sets R's seed (`set.seed()`) and, through Keras, the seeds of Python's
#' `random`, NumPy and the backend, so weights and shuffling are
#' reproducible.
#'
#' @param seed A whole number, at least 0.
#' @returns `NULL`, invisibly.
#' @family model functions
#' @export
#' @examplesIf rkeras::is_keras_available()
#' set_random_seed(42)
#' model <- keras_model_sequential(input_shape = 2)
#' layer_dense(model, units = 1)
#' get_weights(model)[[1]]
set_random_seed <- function(seed) {
  call <- rlang::current_env()
  seed <- arg_integer(seed, "seed", min = 0)
  set.seed(seed)
  with_python_errors(keras_module()$utils$set_random_seed(seed), call)
  invisible(NULL)
}

#' Reset Keras's global state
#'
#' Clears the names Keras has given layers and, by default, frees the memory
#' held by models no longer in use.
#'
#' @param free_memory Whether to run Python's garbage collector (and free
#'   the backend's memory) too.
#' @returns `NULL`, invisibly.
#' @family model functions
#' @export
#' @examplesIf rkeras::is_keras_available()
#' layer_dense(units = 2)$name
#' clear_session()
#' # Layer names count from the start again.
#' layer_dense(units = 2)$name
clear_session <- function(free_memory = TRUE) {
  call <- rlang::current_env()
  free_memory <- arg_flag(free_memory, "free_memory")
  with_python_errors(keras_module()$utils$clear_session(free_memory = free_memory), call)
  invisible(NULL)
}
