#' Get or set the vocabulary of a lookup or text layer
#'
#' The vocabulary of [layer_string_lookup()], [layer_integer_lookup()] and
#' [layer_text_vectorization()]: learned with [adapt()] or given when the
#' layer is made, it can be read back and replaced, as keras3's functions of
#' the same names do.
#'
#' @param object A layer with a vocabulary, such as `layer_string_lookup()`
#'   returns.
#' @param include_special_tokens `TRUE` (the default) to include the padding
#'   and out-of-vocabulary tokens, which come first; `FALSE` for the learned
#'   or given terms only.
#' @param vocabulary The new vocabulary: a character vector (whole numbers for
#'   `layer_integer_lookup()`), or one string, the path of a text file with
#'   one term per line.
#' @param idf_weights Inverse document frequency weights, one per term, for a
#'   layer with `output_mode = "tf_idf"` (and only for one).
#' @param ... Not used; an error names anything given here.
#' @returns `get_vocabulary()` returns the terms, in index order: a character
#'   vector, or a numeric vector for `layer_integer_lookup()`.
#'   `set_vocabulary()` returns `object`, invisibly.
#' @family preprocessing state
#' @examplesIf rkeras::is_keras_available()
#' lookup <- layer_string_lookup(vocabulary = c("a", "b"))
#' get_vocabulary(lookup)
#' set_vocabulary(lookup, c("x", "y", "z"))
#' get_vocabulary(lookup, include_special_tokens = FALSE)
#' @export
get_vocabulary <- function(object, include_special_tokens = TRUE) {
  call <- rlang::current_env()
  check_vocabulary_layer(object, call)
  include_special_tokens <- arg_flag(include_special_tokens, "include_special_tokens", call = call)
  terms <- with_python_errors(object$get_vocabulary(include_special_tokens = include_special_tokens), call)
  # Integer terms arrive as a list of NumPy scalars.
  if (is.list(terms)) unlist(terms, use.names = FALSE) %||% character() else terms
}

#' @rdname get_vocabulary
#' @export
set_vocabulary <- function(object, vocabulary, idf_weights = NULL, ...) {
  call <- rlang::current_env()
  check_vocabulary_layer(object, call)
  rlang::check_dots_empty(call = call)
  args <- list(vocabulary = arg_vocabulary(vocabulary, "vocabulary", call = call))
  args$idf_weights <- arg_tensor(idf_weights, "idf_weights", nullable = TRUE, call = call)
  with_python_errors(do.call(object$set_vocabulary, args), call)
  invisible(object)
}

check_vocabulary_layer <- function(object, call) {
  if (!is_keras_layer(object) || !reticulate::py_has_attr(object, "set_vocabulary")) {
    cli::cli_abort(
      c(
        "{.arg object} must be a layer with a vocabulary, not {describe_value(object)}.",
        "i" = "{.fn layer_string_lookup}, {.fn layer_integer_lookup} and {.fn layer_text_vectorization} have one."
      ),
      call = call, class = "rkeras_arg_error"
    )
  }
}
