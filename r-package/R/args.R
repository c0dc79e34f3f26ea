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
  # Inf and NaN are refused too: no Keras argument of this type means them.
  if (!(is.numeric(x) && length(x) == 1L && is.finite(x))) {
    abort_arg(arg, "a finite number", x, nullable, call = call)
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
  if (!is_plain_vector(x)) {
    abort_arg(arg, "a shape: whole numbers, with `NA` for an unknown dimension", x, nullable, call = call)
  }
  dims <- as.list(x)
  ok <- all(vapply(dims, function(d) {
    is.null(d) || (length(d) == 1L && is.atomic(d) && (is.na(d) || is_whole_number(d) && d >= 0))
  }, TRUE))
  if (!ok || (is.logical(x) && !all(is.na(x)))) {
    abort_arg(arg, "a shape: whole numbers, with `NA` for an unknown dimension", x, nullable, call = call)
  }
  dims <- lapply(dims, function(d) if (is.null(d) || is.na(d)) NULL else as.integer(d))
  do.call(reticulate::tuple, dims)
}

# Several whole numbers, such as a kernel size given per dimension. A single
# number stays a single int, as Keras accepts both.
# Whole numbers that Keras takes only as a tuple, even a single one (the
# target shape of layer_reshape(), where -1 stands for the inferred size).
arg_integer_tuple <- function(x, arg, nullable = FALSE, call = rlang::caller_env()) {
  if (nullable && is.null(x)) {
    return(NULL)
  }
  if (!is_plain_vector(x) || length(x) == 0L ||
    !all(vapply(as.list(x), is_whole_number, TRUE))) {
    abort_arg(arg, "one or more whole numbers", x, nullable, call = call)
  }
  do.call(reticulate::tuple, lapply(as.list(x), as.integer))
}

arg_integers <- function(x, arg, nullable = FALSE,
                call = rlang::caller_env()) {
  if (nullable && is.null(x)) {
    return(NULL)
  }
  if (!is_plain_vector(x) || length(x) == 0L ||
    !all(vapply(as.list(x), is_whole_number, TRUE))) {
    abort_arg(arg, "one or more whole numbers", x, nullable, call = call)
  }
  values <- as.list(x)
  if (length(values) == 1L) {
    return(as.integer(values[[1]]))
  }
  do.call(reticulate::tuple, lapply(values, as.integer))
}

# Whole numbers nested one level, as Keras's cropping and padding take them
# ("int, tuple of ints, or tuple of tuples of ints"), written as keras3 writes
# them: one number (an int), a vector (a tuple), or a list of numbers and
# vectors (a tuple of ints and tuples): `cropping = list(c(1, 1), c(2, 2))`
# is ((1, 1), (2, 2)).
arg_nested_integers <- function(x, arg, nullable = FALSE,
                call = rlang::caller_env()) {
  if (nullable && is.null(x)) {
    return(NULL)
  }
  if (is_whole_vector(x)) {
    return(int_or_tuple(x))
  }
  if (!is.list(x) || is_python_object(x) || length(x) == 0L) {
    abort_arg(arg, "a whole number, a vector of them, or a list of such vectors", x, nullable, call = call)
  }
  for (i in seq_along(x)) {
    if (!is_whole_vector(x[[i]])) {
      abort_arg(sprintf("%s[[%d]]", arg, i), "a whole number or a vector of them", x[[i]], call = call)
    }
  }
  do.call(reticulate::tuple, lapply(unname(x), int_or_tuple))
}

# One finite number or several, such as a value range `c(0, 255)`: one
# reaches Python as a float, several as a tuple of floats.
arg_numbers <- function(x, arg, nullable = FALSE,
                call = rlang::caller_env()) {
  if (nullable && is.null(x)) {
    return(NULL)
  }
  finite <- function(v) is.numeric(v) && length(v) == 1L && is.finite(v)
  if (!is_plain_vector(x) || length(x) == 0L || !all(vapply(as.list(x), finite, TRUE))) {
    abort_arg(arg, "one or more finite numbers", x, nullable, call = call)
  }
  values <- lapply(unname(as.list(x)), as.double)
  if (length(values) == 1L) {
    return(values[[1]])
  }
  do.call(reticulate::tuple, values)
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
  if (!is_plain_vector(x) || length(x) == 0L ||
    !all(vapply(as.list(x), function(v) is_whole_number(v) && v != 0, TRUE))) {
    abort_arg(arg, "a non-zero whole number or a vector of them", x, nullable, call = call)
  }
  values <- as.list(x)
  axes <- lapply(values, function(v) if (v > 0) as.integer(v) - 1L else as.integer(v))
  if (length(axes) == 1L) {
    return(axes[[1]])
  }
  do.call(reticulate::tuple, axes)
}

# Axes Keras iterates over, so even one is sent as a tuple.
arg_axes <- function(x, arg, nullable = FALSE, call = rlang::caller_env()) {
  axes <- arg_axis(x, arg, nullable, call)
  if (is.integer(axes)) reticulate::tuple(axes) else axes
}

# `float = TRUE` where Keras computes in floating point (activations): R
# integers would become int32 tensors, which most of its functions refuse.
arg_tensor <- function(x, arg, nullable = FALSE, float = FALSE,
                       call = rlang::caller_env()) {
  if (nullable && is.null(x)) {
    return(NULL)
  }
  if (!is_tensor_like(x)) {
    abort_arg(arg, "a tensor or an R array", x, nullable, call = call)
  }
  if (float && is.integer(x)) {
    storage.mode(x) <- "double"
  }
  as_array_value(x)
}

# An R vector of several values is a 1-d array to Keras (reticulate would
# make it a Python list, which Keras's functions refuse).
as_array_value <- function(x) {
  if (is.atomic(x) && is.null(dim(x)) && length(x) > 1L) array(x, length(x)) else x
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
  lapply(x, as_array_value)
}

# A list of R arrays or tensors, such as a layer's initial `weights` (what
# get_weights() returns); one array is taken as a list of one. Python
# receives a list; R integer arrays become doubles, as weights are floats.
arg_arrays <- function(x, arg, nullable = FALSE,
                call = rlang::caller_env()) {
  if (nullable && is.null(x)) {
    return(NULL)
  }
  if (is_tensor_like(x)) {
    x <- list(x)
  }
  if (!is.list(x) || length(x) == 0L) {
    abort_arg(arg, "an R array or tensor, or a list of them", x, nullable, call = call)
  }
  x <- unname(x)
  for (i in seq_along(x)) {
    if (!is_tensor_like(x[[i]])) {
      abort_arg(sprintf("%s[[%d]]", arg, i), "an R array or a tensor", x[[i]], call = call)
    }
    if (is.integer(x[[i]])) {
      storage.mode(x[[i]]) <- "double"
    }
  }
  x
}

# A Keras layer: what a layer function returns without `object` (an rkeras
# layer instance, itself the Python layer), a model, or any Python object
# that is a Keras layer. Handed to Python as it is.
arg_layer <- function(x, arg, nullable = FALSE,
                call = rlang::caller_env()) {
  if (is_keras_layer(x) || nullable && is.null(x)) {
    return(x)
  }
  abort_arg(arg, "a Keras layer, such as `layer_lstm(units = 4)`", x, nullable, call = call)
}

# A list of Keras layers or RNN cells (a Python list), or one layer, passed
# as it is (Keras's RNN takes a cell or a list of cells).
arg_layers <- function(x, arg, nullable = FALSE,
                call = rlang::caller_env()) {
  if (is_keras_layer(x) || nullable && is.null(x)) {
    return(x)
  }
  if (!is.list(x) || is_python_object(x) || length(x) == 0L) {
    abort_arg(arg, "a list of Keras layers, or one layer", x, nullable, call = call)
  }
  x <- unname(x)
  for (i in seq_along(x)) {
    if (!is_keras_layer(x[[i]])) {
      abort_arg(sprintf("%s[[%d]]", arg, i), "a Keras layer", x[[i]], call = call)
    }
  }
  x
}

# An R function, which reticulate hands Python as a callable (Python calls
# it with Python objects: tensors reach it as tensors), or a Python callable.
arg_r_function <- function(x, arg, nullable = FALSE,
                call = rlang::caller_env()) {
  if (is.function(x) || nullable && is.null(x) ||
    is_python_object(x) && reticulate::py_has_attr(x, "__call__")) {
    return(x)
  }
  abort_arg(arg, "an R function or a Python callable", x, nullable, call = call)
}

# TRUE, FALSE or "auto", as Keras's `use_cudnn` takes.
# A callback hook written in R. Keras calls the per-epoch and per-batch hooks
# as f(index, logs), counting from 0; R users count from 1, as keras3 does.
# The other hooks are f(logs) and pass through as they are.
arg_epoch_function <- function(x, arg, nullable = FALSE, call = rlang::caller_env()) {
  if (nullable && is.null(x)) {
    return(NULL)
  }
  if (!is.function(x)) {
    abort_arg(arg, "an R function", x, nullable, call = call)
  }
  function(...) {
    args <- list(...)
    if (length(args) == 2L && is.numeric(args[[1]])) {
      args[[1]] <- args[[1]] + 1L
    }
    do.call(x, args)
  }
}

arg_flag_or_auto <- function(x, arg, nullable = FALSE, call = rlang::caller_env()) {
  if (identical(x, "auto") || is.logical(x) && length(x) == 1L && !is.na(x)) {
    return(x)
  }
  if (nullable && is.null(x)) {
    return(NULL)
  }
  abort_arg(arg, '`TRUE`, `FALSE` or "auto"', x, nullable, call = call)
}

# A dtype by name ("float32", "mixed_float16") or a Keras DTypePolicy.
arg_dtype <- function(x, arg, nullable = FALSE, call = rlang::caller_env()) {
  if (rlang::is_string(x) && nzchar(x) || is_python_object(x) || nullable && is.null(x)) {
    return(x)
  }
  abort_arg(arg, "a dtype name such as \"float32\" or a Keras dtype policy", x, nullable, call = call)
}

# A Python object given as is, such as a quantization config.
arg_py_object <- function(x, arg, nullable = FALSE, call = rlang::caller_env()) {
  if (is_python_object(x) || nullable && is.null(x)) {
    return(x)
  }
  abort_arg(arg, "a Python object", x, nullable, call = call)
}

# Activations, initializers, regularizers and constraints: a Keras name, a
# Keras object, or an R function, which reticulate hands Python as a callable
# that Keras then calls. A name is checked against Keras's own registry of
# that kind, so a typo is refused here, naming the argument.
arg_activation <- function(x, arg, nullable = FALSE, call = rlang::caller_env()) {
  arg_keras_callable(x, arg, "activations", "an activation", nullable, call)
}

arg_initializer <- function(x, arg, nullable = FALSE, call = rlang::caller_env()) {
  arg_keras_callable(x, arg, "initializers", "an initializer", nullable, call)
}

arg_regularizer <- function(x, arg, nullable = FALSE, call = rlang::caller_env()) {
  arg_keras_callable(x, arg, "regularizers", "a regularizer", nullable, call)
}

arg_constraint <- function(x, arg, nullable = FALSE, call = rlang::caller_env()) {
  arg_keras_callable(x, arg, "constraints", "a constraint", nullable, call)
}

arg_keras_callable <- function(x, arg, kind, what, nullable, call) {
  if (is.function(x)) {
    return(as_keras_function(x))
  }
  if (is_python_object(x) || nullable && is.null(x)) {
    return(x)
  }
  expected <- paste0(what, ": a Keras name, a Keras object or an R function")
  if (!rlang::is_string(x)) {
    abort_arg(arg, expected, x, nullable, call = call)
  }
  known <- keras_identifiers(kind)
  if (!x %in% known) {
    closest <- closest_name(x, known)
    hint <- if (is.null(closest)) "" else sprintf(' (did you mean "%s"?)', closest)
    abort_arg(arg, paste0(expected, hint), x, nullable, call = call)
  }
  x
}

is_python_object <- function(x) {
  inherits(x, "python.builtin.object")
}

# An atomic vector or a plain list: what R users give for several numbers.
# Python objects, functions and environments are not.
is_plain_vector <- function(x) {
  !is_python_object(x) && (is.numeric(x) || is.logical(x) || is.list(x)) && is.null(dim(x))
}

# One whole number or an atomic vector of them (no list, no array).
is_whole_vector <- function(x) {
  is.numeric(x) && is.null(dim(x)) && length(x) > 0L && all(vapply(x, is_whole_number, TRUE))
}

# A whole-number vector as Python takes it: one is an int, several a tuple.
int_or_tuple <- function(x) {
  if (length(x) == 1L) {
    return(as.integer(x))
  }
  do.call(reticulate::tuple, as.list(as.integer(x)))
}

is_keras_layer <- function(x) {
  inherits(x, "keras.src.layers.layer.Layer")
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

# The coercer of each argument type a spec may declare for a call argument,
# by the type's name in codegen/argtypes.py (the generated `layer_calls`
# table names types, not functions).
arg_coercers <- list(
  flag = arg_flag,
  integer = arg_integer,
  number = arg_number,
  string = arg_string,
  shape = arg_shape,
  integers = arg_integers,
  nested_integers = arg_nested_integers,
  numbers = arg_numbers,
  axis = arg_axis,
  tensor = arg_tensor,
  tensors = arg_tensors,
  arrays = arg_arrays
)

# An optimizer's learning rate: a number, or a Keras LearningRateSchedule
# (learning_rate_schedule_*()), which the optimizer calls at each step.
arg_learning_rate <- function(x, arg, nullable = FALSE, call = rlang::caller_env()) {
  if (is_python_object(x) || nullable && is.null(x)) {
    return(x)
  }
  if (!is.numeric(x) || length(x) != 1L || is.na(x) || !is.finite(x) || x < 0) {
    abort_arg(arg, "a finite number >= 0 or a learning-rate schedule", x, nullable, call = call)
  }
  as.double(x)
}

# How often a callback acts: "epoch", every so many batches, or (where Keras
# takes it, `batch = TRUE`) "batch".
arg_frequency <- function(x, arg, nullable = FALSE, batch = FALSE, call = rlang::caller_env()) {
  if (nullable && is.null(x)) {
    return(NULL)
  }
  words <- if (batch) c("epoch", "batch") else "epoch"
  if (rlang::is_string(x) && x %in% words) {
    return(x)
  }
  if (!is_whole_number(x) || x < 1) {
    abort_arg(arg, paste(paste0('"', words, '"', collapse = ", "), "or a whole number >= 1"), x, nullable, call = call)
  }
  as.integer(x)
}

# Numbers Keras takes only as a list, even a single one (the boundaries and
# values of a piecewise-constant schedule).
arg_number_list <- function(x, arg, nullable = FALSE, call = rlang::caller_env()) {
  if (nullable && is.null(x)) {
    return(NULL)
  }
  if (!is_plain_vector(x) || length(x) == 0L ||
    !all(vapply(as.list(x), function(v) is.numeric(v) && length(v) == 1L && is.finite(v), TRUE))) {
    abort_arg(arg, "one or more finite numbers", x, nullable, call = call)
  }
  lapply(as.list(x), as.double)
}

# Strings Keras takes as a list, even a single one.
arg_strings <- function(x, arg, nullable = FALSE, call = rlang::caller_env()) {
  if (nullable && is.null(x)) {
    return(NULL)
  }
  if (!is.character(x) || !is.null(dim(x)) || anyNA(x)) {
    abort_arg(arg, "a character vector without `NA`", x, nullable, call = call)
  }
  as.list(x)
}

# A Python dict from a named list or named vector, every name given once.
arg_named_list <- function(x, arg, nullable = FALSE, call = rlang::caller_env()) {
  if (nullable && is.null(x)) {
    return(NULL)
  }
  names <- names(x)
  if (!is_plain_vector(x) && !is.character(x) || length(x) == 0L || is.null(names) ||
    !all(nzchar(names)) || anyDuplicated(names)) {
    abort_arg(arg, "a named list with distinct names", x, nullable, call = call)
  }
  reticulate::dict(as.list(x))
}

# One of Keras's named behaviours, or the user's own function in its place
# (the `standardize` and `split` of layer_text_vectorization()).
arg_choice_or_function <- function(x, arg, choices, nullable = FALSE, call = rlang::caller_env()) {
  if (rlang::is_string(x) && x %in% choices) {
    return(x)
  }
  if (is.function(x) || nullable && is.null(x) ||
    is_python_object(x) && reticulate::py_has_attr(x, "__call__")) {
    return(x)
  }
  expected <- paste0(paste0('"', choices, '"', collapse = ", "), ", an R function or a Python callable")
  abort_arg(arg, paste("one of", expected), x, nullable, call = call)
}

# A seed of Keras's random functions: a whole number (the same values on
# every call), or a seed generator from random_seed_generator(), whose state
# advances on each call.
arg_seed <- function(x, arg, nullable = FALSE, call = rlang::caller_env()) {
  if (nullable && is.null(x)) {
    return(NULL)
  }
  if (inherits(x, "keras.src.random.seed_generator.SeedGenerator")) {
    return(x)
  }
  if (!is_whole_number(x)) {
    abort_arg(arg, "a whole number or a seed generator (random_seed_generator())", x, nullable, call = call)
  }
  as.integer(x)
}

# One token of a lookup or hashing layer's input: a string, or a whole number
# where the inputs are integers.
arg_token <- function(x, arg, nullable = FALSE, call = rlang::caller_env()) {
  if (nullable && is.null(x)) {
    return(NULL)
  }
  if (rlang::is_string(x)) {
    return(x)
  }
  if (!is_whole_number(x)) {
    abort_arg(arg, "a single string or a whole number", x, nullable, call = call)
  }
  as.integer(x)
}

# A lookup layer's vocabulary, as Keras takes it: several tokens (strings, or
# whole numbers for integer lookups) reach Python as a list; one string is the
# path of a file with a token per line; a tensor or NumPy array passes as it is.
arg_vocabulary <- function(x, arg, nullable = FALSE, call = rlang::caller_env()) {
  if (nullable && is.null(x)) {
    return(NULL)
  }
  if (is_python_object(x)) {
    return(x)
  }
  expected <- "a character vector, whole numbers, the path of a vocabulary file or a tensor"
  if (rlang::is_string(x)) {
    if (!file.exists(x) || dir.exists(x)) {
      cli::cli_abort(
        c(
          "{.arg {arg}} must be {expected}, not {.file {x}}: no such file.",
          "i" = "One string is read as a file path; a vocabulary of one token is {.code list(\"{x}\")}."
        ),
        call = call, class = "rkeras_arg_error"
      )
    }
    return(path.expand(x))
  }
  # A list of single tokens, all strings or all numbers, is the same as a vector.
  one_kind <- is.list(x) && is.null(dim(x)) && all(lengths(x) == 1L) &&
    length(unique(vapply(x, is.character, TRUE))) == 1L
  tokens <- if (one_kind) unlist(x, use.names = FALSE) else x
  if (is.character(tokens) && is.null(dim(tokens)) && length(tokens) && !anyNA(tokens)) {
    return(as.list(tokens))
  }
  if (is.numeric(tokens) && is.null(dim(tokens)) && length(tokens) &&
    all(vapply(tokens, is_whole_number, TRUE))) {
    return(as.list(as.integer(tokens)))
  }
  abort_arg(arg, expected, x, nullable, call = call)
}

# The crosses of layer_feature_space(): a list whose entries are each a
# character vector of feature names (sent as a tuple of strings) or a cross
# that feature_cross() made, passed as it is.
arg_feature_crosses <- function(x, arg, nullable = FALSE, call = rlang::caller_env()) {
  if (nullable && is.null(x)) {
    return(NULL)
  }
  one <- "a character vector of feature names or a `feature_cross()` object"
  if (!is.list(x) || is_python_object(x) || !is.null(dim(x))) {
    abort_arg(arg, "a list of feature crosses: character vectors of feature names or `feature_cross()` objects",
      x, nullable, call = call)
  }
  x <- unname(x)
  for (i in seq_along(x)) {
    entry <- x[[i]]
    if (is_feature_cross(entry)) {
      next
    }
    if (!is.character(entry) || !is.null(dim(entry)) || !length(entry) || anyNA(entry)) {
      abort_arg(sprintf("%s[[%d]]", arg, i), one, entry, call = call)
    }
    x[[i]] <- do.call(reticulate::tuple, as.list(entry))
  }
  x
}

is_feature_cross <- function(x) {
  is_python_object(x) && any(endsWith(class(x), "feature_space.Cross"))
}
