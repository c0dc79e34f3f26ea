# Tensors and shapes as an R user expects them: as.array() gives an R array,
# dim() gives the dimensions with NA where unknown, and shape() prints as
# shape(NA, 8, 16), as keras3 does.

#' Tensor shapes
#'
#' `shape()` builds a shape from numbers, or reads the shape of a tensor.
#' Unknown dimensions are `NA`.
#'
#' @param ... Whole numbers (or `NA`), or a single tensor.
#' @returns An `rkeras_shape`: a list of whole numbers and `NA`s that prints
#'   as `shape(NA, 8, 16)`.
#' @export
#' @examplesIf rkeras::is_keras_available()
#' shape(NA, 8, 16)
#' shape(keras_input(shape = c(8, 16)))
shape <- function(...) {
  dims <- list(...)
  if (length(dims) == 1L && inherits(dims[[1]], "python.builtin.object")) {
    dims <- tensor_dims(dims[[1]])
  } else {
    dims <- lapply(dims, function(d) {
      if (is.null(d) || identical(d, NA)) {
        return(NA_integer_)
      }
      if (!is_whole_number(d)) {
        cli::cli_abort("Each dimension in {.arg ...} must be a whole number or {.code NA}, not {describe_value(d)}.", class = "rkeras_arg_error")
      }
      as.integer(d)
    })
  }
  structure(dims, class = "rkeras_shape")
}

#' @export
format.rkeras_shape <- function(x, ...) {
  dims <- vapply(unclass(x), function(d) if (is.na(d)) "NA" else format(d), "")
  sprintf("shape(%s)", paste(dims, collapse = ", "))
}

#' @export
print.rkeras_shape <- function(x, ...) {
  cat(format(x), "\n", sep = "")
  invisible(x)
}

#' @export
as.integer.rkeras_shape <- function(x, ...) {
  vapply(unclass(x), as.integer, 1L)
}

# A KerasTensor's shape is a tuple but an eager TensorFlow tensor's is a
# TensorShape, which reticulate leaves unconverted; tuple() makes both a list.
tensor_dims <- function(x) {
  keras_module()
  dims <- the$builtins$tuple(reticulate::py_get_attr(x, "shape"))
  lapply(dims, function(d) if (is.null(d)) NA_integer_ else as.integer(d))
}

# as.array() and dim() are registered on the tensor classes of Keras and its
# backends, never on python.builtin.object, so other Python objects in R keep
# their own methods. reticulate names the classes of an object's Python MRO:
# - tensorflow.python.types.core.Tensor: TensorFlow's eager and graph
#   tensors, tf.Variable, and Keras Variables on TensorFlow;
# - keras.src.backend.common.variables.Variable: Keras Variables on any backend;
# - jax.Array and torch.Tensor: the JAX and torch backends' tensors;
# - keras.src.backend.common.keras_tensor.KerasTensor: symbolic tensors,
#   which have a shape but no values.
# Keras's own conversion handles the tensors of each backend.

#' @export
as.array.tensorflow.python.types.core.Tensor <- function(x, ...) {
  # The module is imported with conversion on, so the NumPy result arrives as
  # an R array (of characters for a string tensor).
  with_python_errors(compose_module()$tensor_values(x), rlang::current_env())
}

#' @export
as.array.keras.src.backend.common.variables.Variable <- as.array.tensorflow.python.types.core.Tensor

#' @export
as.array.jax.Array <- as.array.tensorflow.python.types.core.Tensor

#' @export
as.array.torch.Tensor <- as.array.tensorflow.python.types.core.Tensor

#' @export
as.array.keras.src.backend.common.keras_tensor.KerasTensor <- function(x, ...) {
  cli::cli_abort(
    c(
      "{.arg x} is a symbolic tensor: it has a shape, {format(shape(x))}, but no values.",
      "i" = "Build a model with {.fn keras_model} and call {.fn predict} on data, or call a layer on an R array."
    ),
    call = rlang::current_env(), class = "rkeras_arg_error"
  )
}

#' @export
dim.tensorflow.python.types.core.Tensor <- function(x) {
  as.integer(structure(tensor_dims(x), class = "rkeras_shape"))
}

#' @export
dim.keras.src.backend.common.variables.Variable <- dim.tensorflow.python.types.core.Tensor

#' @export
dim.jax.Array <- dim.tensorflow.python.types.core.Tensor

#' @export
dim.torch.Tensor <- dim.tensorflow.python.types.core.Tensor

#' @export
dim.keras.src.backend.common.keras_tensor.KerasTensor <- dim.tensorflow.python.types.core.Tensor
