#' Pad sequences to the same length
#'
#' Turns a list of sequences (such as the token ids of texts) into a matrix
#' with one row per sequence and `maxlen` columns, as Keras's
#' `keras.utils.pad_sequences()` does. Shorter sequences are padded with
#' `value`, longer ones cut, at the start (`"pre"`, the default) or at the end
#' (`"post"`).
#'
#' @param sequences A list of numeric vectors (one vector is one sequence).
#' @param maxlen The number of columns, a whole number; by default the length
#'   of the longest sequence.
#' @param dtype The type of the result, such as `"int32"` (the default) or
#'   `"float32"`.
#' @param padding `"pre"` or `"post"`: where shorter sequences are padded.
#' @param truncating `"pre"` or `"post"`: where longer sequences lose values.
#' @param value The padding value, a number.
#' @returns A matrix with one row per sequence.
#' @family preprocessing state
#' @examplesIf rkeras::is_keras_available()
#' pad_sequences(list(c(1, 2, 3), c(4, 5), 6))
#' pad_sequences(list(c(1, 2, 3), c(4, 5)), maxlen = 2, padding = "post")
#' @export
pad_sequences <- function(sequences, maxlen = NULL, dtype = "int32", padding = "pre",
                          truncating = "pre", value = 0) {
  call <- rlang::current_env()
  if (is.numeric(sequences) && is.null(dim(sequences))) {
    sequences <- list(sequences)
  }
  ok <- is.list(sequences) && !is_python_object(sequences) &&
    all(vapply(sequences, function(s) is.numeric(s) && is.null(dim(s)) && !anyNA(s), TRUE))
  if (!ok) {
    abort_arg("sequences", "a list of numeric vectors without `NA`", sequences, call = call)
  }
  result <- with_python_errors(
    keras_module()$utils$pad_sequences(
      # Each sequence a Python list, even of one value.
      lapply(unname(sequences), as.list),
      maxlen = arg_integer(maxlen, "maxlen", min = 0, nullable = TRUE, call = call),
      dtype = arg_string(dtype, "dtype", call = call),
      padding = arg_choice(padding, "padding", c("pre", "post"), call = call),
      truncating = arg_choice(truncating, "truncating", c("pre", "post"), call = call),
      value = arg_number(value, "value", call = call)
    ),
    call
  )
  matrix(as_r_value(result), nrow = length(sequences))
}
