# Printing a model shows Keras's summary table, as in keras3: an R user types
# `model` at the console to see its layers, output shapes and parameters.

#' Summarise a Keras model
#'
#' `print(model)`, `summary(model)` and `format(model)` show the model's
#' summary table: each layer, its output shape and its parameter count, then
#' the totals. They take keras3's arguments.
#'
#' @param x,object A Keras model.
#' @param line_length Total width of the table, in characters.
#' @param positions Where the table's columns end, as increasing fractions
#'   of `line_length`, one per column (such as `c(0.4, 0.7, 1)`), or `NULL`
#'   for Keras's defaults.
#' @param expand_nested Whether to expand nested models.
#' @param show_trainable Whether to show if each layer is trainable. `NA`
#'   shows it when some layer of the model is frozen.
#' @param layer_range `NULL` for every layer, or two patterns (regular
#'   expressions matched at the start of layer names, as Keras does): the
#'   first and last layers to show.
#' @param ... For `print()` and `summary()`, the arguments of `format()`;
#'   `format()` takes none.
#' @returns `format()` returns the summary as a character vector, one line per
#'   element. `print()` and `summary()` print it and return the model,
#'   invisibly.
#' @family model functions
#' @name model-summary
#' @examplesIf rkeras::is_keras_available()
#' query <- keras_input(shape = c(6, 4))
#' model <- keras_model(query, layer_attention(list(query, query)))
#' model
#' summary(model, line_length = 60)
#' length(format(model))
NULL

#' @rdname model-summary
#' @export
format.keras.src.models.model.Model <- function(x, line_length = getOption("width"),
                                                positions = NULL, expand_nested = FALSE,
                                                show_trainable = NA, ..., layer_range = NULL) {
  call <- rlang::current_env()
  rlang::check_dots_empty(call = call)
  if (reticulate::py_is_null_xptr(x)) {
    # A model restored from a saved R session: its Python object is gone.
    return("<Keras model: its Python session has ended>")
  }
  if (!is.null(positions) && !(is.numeric(positions) && !anyNA(positions) &&
    all(positions > 0 & positions <= 1) && !is.unsorted(positions, strictly = TRUE))) {
    abort_arg("positions", "`NULL` or increasing fractions in (0, 1]", positions, call = call)
  }
  if (!(isTRUE(show_trainable) || isFALSE(show_trainable) || identical(show_trainable, NA))) {
    abort_arg("show_trainable", "`TRUE`, `FALSE` or `NA`", show_trainable, call = call)
  }
  if (is.na(show_trainable)) {
    show_trainable <- any(!vapply(x$layers, function(layer) isTRUE(layer$trainable), TRUE))
  }
  if (!is.null(layer_range) && !(is.character(layer_range) && length(layer_range) == 2L)) {
    abort_arg("layer_range", "`NULL` or two layer-name patterns", layer_range, call = call)
  }
  line_length <- arg_integer(line_length, "line_length", min = 1, call = call)
  text <- NULL
  # Keras hands the whole captured table to print_fn in one string.
  capture <- function(line, ...) {
    text <<- c(text, line)
    NULL
  }
  # Keras draws the table with rich, which cuts every line at the terminal
  # width it reads from COLUMNS (80 when R is not in a terminal).
  environ <- reticulate::import("os", convert = FALSE)$environ
  columns <- reticulate::py_to_r(environ$get("COLUMNS"))
  environ$update(list(COLUMNS = as.character(line_length)))
  on.exit(if (is.null(columns)) environ$pop("COLUMNS") else environ$update(list(COLUMNS = columns)))
  with_python_errors(
    x$summary(
      line_length = line_length,
      positions = if (!is.null(positions)) as.list(positions), print_fn = capture,
      expand_nested = arg_flag(expand_nested, "expand_nested", call = call),
      show_trainable = show_trainable,
      layer_range = if (!is.null(layer_range)) as.list(layer_range)
    ),
    call
  )
  lines <- unlist(strsplit(paste(text, collapse = "\n"), "\n", fixed = TRUE))
  # rich pads every line to the table's width.
  sub("\\s+$", "", lines)
}

#' @rdname model-summary
#' @export
print.keras.src.models.model.Model <- function(x, ...) {
  writeLines(format(x, ...))
  invisible(x)
}

#' @rdname model-summary
#' @export
summary.keras.src.models.model.Model <- function(object, ...) {
  print(object, ...)
}
