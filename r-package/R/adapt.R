#' Fit a preprocessing layer's state to data
#'
#' Some preprocessing layers learn their state from data before training:
#' [layer_normalization()] its mean and variance, [layer_discretization()]
#' its bin boundaries, [layer_string_lookup()], [layer_integer_lookup()] and
#' [layer_text_vectorization()] their vocabulary, [layer_feature_space()]
#' the state of each of its features. `adapt()` computes that
#' state from `data`, in place, as Keras's `Layer.adapt()` does. Call it
#' before the layer is used in a model that is compiled or trained.
#'
#' @param object A preprocessing layer that can adapt, such as
#'   `layer_normalization()` returns.
#' @param data The data to learn from: an R array or vector (a character
#'   vector for the text layers), a data frame of numeric columns (as a
#'   matrix), a tensor, or a `tf.data.Dataset`. For [layer_feature_space()],
#'   a named list of such vectors, one per feature, or a `tf.data.Dataset`
#'   of named lists.
#' @param ... Not used; an error names anything given here.
#' @param batch_size Whole number of samples per batch, for the layers whose
#'   `adapt()` takes it ([layer_text_vectorization()]); `NULL`: Keras's
#'   default. Not for a dataset, which is already batched.
#' @param steps Whole number of batches to draw from `data`, for the layers
#'   whose `adapt()` takes it (the lookup, text and discretization layers);
#'   `NULL`: until `data` is exhausted.
#' @returns `object`, invisibly, with its state computed from `data`.
#' @family preprocessing state
#' @examplesIf rkeras::is_keras_available()
#' x <- matrix(c(1, 2, 3, 4, 5, 6), ncol = 2)
#' normalizer <- layer_normalization()
#' adapt(normalizer, x)
#' as.array(normalizer(x))
#'
#' lookup <- layer_string_lookup()
#' adapt(lookup, c("cat", "dog", "dog", "bird"))
#' lookup$get_vocabulary()
#' @export
adapt <- function(object, data, ..., batch_size = NULL, steps = NULL) {
  call <- rlang::current_env()
  if (!is_keras_layer(object) || !reticulate::py_has_attr(object, "adapt")) {
    cli::cli_abort(
      c(
        "{.arg object} must be a preprocessing layer that can adapt, not {describe_value(object)}.",
        "i" = "Layers such as {.fn layer_normalization} and {.fn layer_string_lookup} adapt."
      ),
      call = call, class = "rkeras_arg_error"
    )
  }
  rlang::check_dots_empty(call = call)
  if (missing(data)) {
    cli::cli_abort("{.arg data} is missing, with no default: {.fn adapt} learns from it.",
      call = call, class = "rkeras_arg_error"
    )
  }
  options <- list(
    batch_size = arg_integer(batch_size, "batch_size", min = 1, nullable = TRUE, call = call),
    steps = arg_integer(steps, "steps", min = 1, nullable = TRUE, call = call)
  )
  # Only what the caller gave, and only what this layer's adapt() takes
  # (Normalization's takes neither, the lookup layers' no batch_size).
  options <- options[!vapply(options, is.null, TRUE)]
  taken <- compose_module()$parameter_names(object$adapt)
  refused <- setdiff(names(options), taken)
  if (length(refused)) {
    cli::cli_abort(
      c(
        "{.arg {refused[[1]]}} is not used by the {.fn adapt} of a {.cls {class(object)[[1]]}} layer.",
        "i" = "Leave it out; the data is taken whole."
      ),
      call = call, class = "rkeras_arg_error"
    )
  }
  args <- c(list(as_model_data(data, "data", call)), options)
  with_python_errors(do.call(object$adapt, args), call, input = "data")
  invisible(object)
}
