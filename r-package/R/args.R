# Coercion and validation of layer arguments, one function per declared spec
# type. Generated wrappers call these; nothing here guesses a type from a
# value's name or documentation. Each returns what Python should receive, or
# aborts naming the argument, what was expected and what was received.
# `nullable = TRUE` lets NULL through as Python's None.

arg_flag <- function(x, arg, nullable = FALSE,
                call = rlang::caller_env()) {
  if (is.logical(x) && length(x) == 1L && !is.na(x)) {
    return(x)
  }
  if (nullable && is.null(x)) {
    return(NULL)
  }
  abort_arg(arg, "`TRUE` or `FALSE`", x, nullable, call = call)
}

arg_integer <- function(x, arg, min = NULL, max = NULL, nullable = FALSE,
                call = rlang::caller_env()) {
  if (nullable && is.null(x)) {
    return(NULL)
  }
  # R users write `seed = 42`, a double; Python wants an int.
  in_range <- is_whole_number(x) && (is.null(min) || x >= min) && (is.null(max) || x <= max)
  if (!in_range) {
    expected <- "a whole number"
    if (!is.null(min) || !is.null(max)) {
      expected <- paste(expected, describe_range(min, max))
    }
    abort_arg(arg, expected, x, nullable, call = call)
  }
  as.integer(x)
}

arg_number <- function(x, arg, min = NULL, max = NULL, min_open = FALSE, max_open = FALSE,
                       nullable = FALSE,
                call = rlang::caller_env()) {
  if (nullable && is.null(x)) {
    return(NULL)
  }
  if (!(is.numeric(x) && length(x) == 1L && !is.na(x))) {
    abort_arg(arg, "a number", x, nullable, call = call)
  }
  below <- !is.null(min) && (x < min || (min_open && x == min))
  above <- !is.null(max) && (x > max || (max_open && x == max))
  if (below || above) {
    abort_arg(arg, paste("a number", describe_range(min, max, min_open, max_open)), x, nullable, call = call)
  }
  as.double(x)
}

arg_choice <- function(x, arg, choices, nullable = FALSE,
                call = rlang::caller_env()) {
  if (is.character(x) && length(x) == 1L && !is.na(x) && x %in% choices) {
    return(x)
  }
  if (nullable && is.null(x)) {
    return(NULL)
  }
  abort_arg(arg, paste("one of", paste0('"', choices, '"', collapse = ", ")), x, nullable, call = call)
}

arg_string <- function(x, arg, nullable = FALSE,
                call = rlang::caller_env()) {
  if (rlang::is_string(x)) {
    return(x)
  }
  if (nullable && is.null(x)) {
    return(NULL)
  }
  abort_arg(arg, "a single string", x, nullable, call = call)
}

# A shape is a vector (or list) of whole numbers, with NA or NULL for an
# unknown dimension, as keras3 accepts; Python receives a tuple of ints/None.
arg_shape <- function(x, arg, nullable = FALSE,
                call = rlang::caller_env()) {
  if (nullable && is.null(x)) {
    return(NULL)
  }
  if (inherits(x, "rkeras_shape")) {
    x <- unclass(x)
  }
  dims <- if (is.list(x)) x else as.list(x)
  ok <- (is.numeric(x) || is.logical(x) || is.list(x)) &&
    all(vapply(dims, function(d) is.null(d) || identical(d, NA) || is.na(d) || is_whole_number(d), TRUE))
  if (!ok || (is.logical(x) && !all(is.na(x)))) {
    abort_arg(arg, "a shape: whole numbers, with `NA` for an unknown dimension", x, nullable, call = call)
  }
  dims <- lapply(dims, function(d) if (is.null(d) || is.na(d)) NULL else as.integer(d))
  do.call(reticulate::tuple, dims)
}

# Several whole numbers, such as a kernel size given per dimension. A single
# number stays a single int, as Keras accepts both.
arg_integers <- function(x, arg, nullable = FALSE,
                call = rlang::caller_env()) {
  if (nullable && is.null(x)) {
    return(NULL)
  }
  values <- if (is.list(x)) x else as.list(x)
  if (length(values) == 0L || !(is.numeric(x) || is.list(x)) ||
    !all(vapply(values, is_whole_number, TRUE))) {
    abort_arg(arg, "one or more whole numbers", x, nullable, call = call)
  }
  if (length(values) == 1L) {
    return(as.integer(values[[1]]))
  }
  do.call(reticulate::tuple, lapply(values, as.integer))
}

# One axis or several, counted as R users count them (keras3's convention):
# from 1, or from the end when negative (-1 is the last axis). Python counts
# from 0, so a positive axis goes down by one and a negative one is passed
# unchanged; 0 is no axis. One axis stays a single int, several become a
# tuple, as Keras accepts both.
arg_axis <- function(x, arg, nullable = FALSE,
                call = rlang::caller_env()) {
  if (nullable && is.null(x)) {
    return(NULL)
  }
  values <- if (is.list(x)) x else as.list(x)
  if (length(values) == 0L || !(is.numeric(x) || is.list(x)) ||
    !all(vapply(values, function(v) is_whole_number(v) && v != 0, TRUE))) {
    abort_arg(arg, "a non-zero whole number or a vector of them", x, nullable, call = call)
  }
  axes <- lapply(values, function(v) if (v > 0) as.integer(v) - 1L else as.integer(v))
  if (length(axes) == 1L) {
    return(axes[[1]])
  }
  do.call(reticulate::tuple, axes)
}

arg_tensor <- function(x, arg, nullable = FALSE,
                call = rlang::caller_env()) {
  if (nullable && is.null(x)) {
    return(NULL)
  }
  if (!is_tensor_like(x)) {
    abort_arg(arg, "a tensor or an R array", x, nullable, call = call)
  }
  x
}

# A list of tensors, where an entry may be NULL (None), as Keras takes for a
# missing query or value mask.
arg_tensors <- function(x, arg, nullable = FALSE,
                call = rlang::caller_env()) {
  if (nullable && is.null(x)) {
    return(NULL)
  }
  if (!is.list(x) || inherits(x, "python.builtin.object")) {
    abort_arg(arg, "a list of tensors or R arrays", x, nullable, call = call)
  }
  bad <- which(!vapply(x, function(e) is.null(e) || is_tensor_like(e), TRUE))
  if (length(bad)) {
    abort_arg(sprintf("%s[[%d]]", arg, bad[[1]]), "a tensor, an R array or `NULL`", x[[bad[[1]]]], call = call)
  }
  x
}

is_whole_number <- function(x) {
  is.numeric(x) && length(x) == 1L && !is.na(x) && is.finite(x) && x == trunc(x) &&
    abs(x) <= .Machine$integer.max
}

is_tensor_like <- function(x) {
  inherits(x, "python.builtin.object") || is.numeric(x) || is.logical(x)
}

describe_range <- function(min, max, min_open = FALSE, max_open = FALSE) {
  if (!is.null(min) && !is.null(max)) {
    sprintf("in %s%s, %s%s", if (min_open) "(" else "[", format(min), format(max), if (max_open) ")" else "]")
  } else if (!is.null(min)) {
    sprintf("%s %s", if (min_open) ">" else ">=", format(min))
  } else {
    sprintf("%s %s", if (max_open) "<" else "<=", format(max))
  }
}
