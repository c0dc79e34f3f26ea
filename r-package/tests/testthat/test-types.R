# The coercers of the argument types nested_integers, numbers, arrays,
# layer, layers and r_function (codegen/argtypes.py), and the two things the
# Keras catalogue needed of compose_layer(): an argument whose R formal is
# not Keras's keyword (`py_names`) and a call argument only a layer
# instance's call takes (`instance_only`). The refusals are pure R; what
# Python receives is checked against Keras.

# ---- nested_integers: cropping = list(c(1, 1), c(2, 2)) ----

test_that("arg_nested_integers gives Keras an int, a tuple or a tuple of tuples", {
  expect_identical(arg_nested_integers(2, "cropping"), 2L)
  expect_identical(arg_nested_integers(c(3L), "cropping"), 3L)
  expect_null(arg_nested_integers(NULL, "cropping", nullable = TRUE))
  skip_if_no_keras()
  expect_identical(reticulate::py_str(arg_nested_integers(c(1, 2), "cropping")), "(1, 2)")
  nested <- arg_nested_integers(list(c(0, 0), c(1, 2)), "cropping")
  expect_identical(reticulate::py_str(nested), "((0, 0), (1, 2))")
  mixed <- arg_nested_integers(list(a = 1, b = c(2, 3)), "padding")
  expect_identical(reticulate::py_str(mixed), "(1, (2, 3))")
  config <- keras_module()$layers$Cropping2D(cropping = nested)$get_config()
  expect_identical(config$cropping, list(list(0L, 0L), list(1L, 2L)))
})

test_that("arg_nested_integers refuses anything else, naming the argument or the entry", {
  expect_error(
    arg_nested_integers("1", "cropping"),
    "`cropping` must be a whole number, a vector of them, or a list of such vectors, not the string \"1\".",
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(
    arg_nested_integers(list(c(1, 1), "2"), "cropping"),
    "`cropping[[2]]` must be a whole number or a vector of them, not the string \"2\".",
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(
    arg_nested_integers(list(c(1, 1.5)), "padding"),
    "`padding[[1]]` must be a whole number or a vector of them, not a double vector of length 2.",
    fixed = TRUE
  )
  expect_error(
    arg_nested_integers(list(list(1, 1)), "padding"),
    "`padding[[1]]` must be a whole number or a vector of them, not a list of length 2.",
    fixed = TRUE
  )
  expect_error(arg_nested_integers(list(), "padding"), "not a list of length 0.", fixed = TRUE)
  expect_error(arg_nested_integers(NA, "padding"), "not `NA`.", fixed = TRUE)
  expect_error(arg_nested_integers(TRUE, "padding"), "not `TRUE`.", fixed = TRUE)
  expect_error(arg_nested_integers(matrix(1, 2, 2), "padding"), "not a double matrix of dimensions 2 x 2.", fixed = TRUE)
  expect_error(
    arg_nested_integers(NULL, "padding"),
    "`padding` must be a whole number, a vector of them, or a list of such vectors, not `NULL`.",
    fixed = TRUE
  )
  expect_error(
    arg_nested_integers(1.5, "padding", nullable = TRUE),
    "`padding` must be a whole number, a vector of them, or a list of such vectors or `NULL`, not the number 1.5.",
    fixed = TRUE
  )
})

# ---- numbers: value_range = c(0, 255) ----

test_that("arg_numbers gives Keras a float for one number and a tuple of floats for several", {
  expect_identical(arg_numbers(0.5, "factor"), 0.5)
  expect_identical(arg_numbers(2L, "factor"), 2)
  expect_identical(arg_numbers(list(1L), "factor"), 1)
  expect_null(arg_numbers(NULL, "factor", nullable = TRUE))
  skip_if_no_keras()
  expect_identical(reticulate::py_str(arg_numbers(c(0, 255L), "value_range")), "(0.0, 255.0)")
  expect_identical(reticulate::py_str(arg_numbers(list(0.02, 0.33), "scale")), "(0.02, 0.33)")
  layer <- keras_module()$layers$RandomBrightness(
    factor = arg_numbers(0.2, "factor"),
    value_range = arg_numbers(c(0, 255), "value_range")
  )
  expect_identical(reticulate::iterate(layer$value_range), list(0, 255))
})

test_that("arg_numbers refuses what is not finite numbers", {
  expect_error(
    arg_numbers("0", "value_range"),
    "`value_range` must be one or more finite numbers, not the string \"0\".",
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(
    arg_numbers(c(0, Inf), "value_range"),
    "`value_range` must be one or more finite numbers, not a double vector of length 2.",
    fixed = TRUE
  )
  expect_error(arg_numbers(NA_real_, "factor"), "`factor` must be one or more finite numbers, not `NA`.", fixed = TRUE)
  expect_error(arg_numbers(TRUE, "factor"), "not `TRUE`.", fixed = TRUE)
  expect_error(arg_numbers(numeric(), "factor"), "not a double vector of length 0.", fixed = TRUE)
  expect_error(arg_numbers(list(1, "2"), "factor"), "not a list of length 2.", fixed = TRUE)
  expect_error(
    arg_numbers("a", "factor", nullable = TRUE),
    "`factor` must be one or more finite numbers or `NULL`, not the string \"a\".",
    fixed = TRUE
  )
})

# ---- arrays: weights = list(matrix) ----

test_that("arg_arrays gives Keras a list of arrays, one array as a list of one", {
  m <- matrix(1:6, 3, 2)
  one <- arg_arrays(m, "weights")
  expect_identical(one, list(matrix(as.double(1:6), 3, 2)))
  expect_identical(arg_arrays(list(w = m, b = c(0, 1)), "weights"), list(matrix(as.double(1:6), 3, 2), c(0, 1)))
  expect_null(arg_arrays(NULL, "weights", nullable = TRUE))
  skip_if_no_keras()
  layer <- keras_module()$layers$Embedding(input_dim = 3L, output_dim = 2L, weights = one)
  expect_equal(as.array(layer$embeddings), matrix(as.double(1:6), 3, 2))
})

test_that("arg_arrays refuses what is not arrays, naming the entry", {
  expect_error(
    arg_arrays("w", "weights"),
    "`weights` must be an R array or tensor, or a list of them, not the string \"w\".",
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(
    arg_arrays(list(matrix(0, 2, 2), "b"), "weights"),
    "`weights[[2]]` must be an R array or a tensor, not the string \"b\".",
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(arg_arrays(list(), "weights"), "not a list of length 0.", fixed = TRUE)
  expect_error(arg_arrays(list(NULL), "weights"), "`weights[[1]]` must be an R array or a tensor, not `NULL`.", fixed = TRUE)
  expect_error(arg_arrays(mean, "weights"), "not a function.", fixed = TRUE)
})

# ---- layer and layers: Bidirectional(layer), StackedRNNCells(cells) ----

test_that("arg_layer and arg_layers refuse what is not a Keras layer without Python", {
  expect_error(
    arg_layer(1, "layer"),
    "`layer` must be a Keras layer, such as `layer_lstm(units = 4)`, not the number 1.",
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(
    arg_layer(NULL, "backward_layer"),
    "`backward_layer` must be a Keras layer, such as `layer_lstm(units = 4)`, not `NULL`.",
    fixed = TRUE
  )
  expect_null(arg_layer(NULL, "backward_layer", nullable = TRUE))
  expect_error(arg_layer(layer_dense, "layer"), "not a function.", fixed = TRUE)
  expect_error(
    arg_layers("lstm", "cells"),
    "`cells` must be a list of Keras layers, or one layer, not the string \"lstm\".",
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(
    arg_layers(list(), "cells"),
    "`cells` must be a list of Keras layers, or one layer, not a list of length 0.",
    fixed = TRUE
  )
  expect_error(
    arg_layers(list(1), "cells"),
    "`cells[[1]]` must be a Keras layer, not the number 1.",
    fixed = TRUE, class = "rkeras_arg_error"
  )
})

test_that("arg_layer takes a layer instance or a model and Keras wraps it", {
  skip_if_no_keras()
  dense <- layer_dense(units = 3)
  expect_identical(arg_layer(dense, "layer"), dense)
  model <- keras_model_sequential()
  expect_identical(arg_layer(model, "layer"), model)
  expect_error(
    arg_layer(keras_module()$activations$relu, "layer"),
    "`layer` must be a Keras layer, such as `layer_lstm(units = 4)`, not a Python object of class <python.builtin.function>.",
    fixed = TRUE
  )
  wrapped <- keras_module()$layers$TimeDistributed(layer = arg_layer(dense, "layer"))
  x <- keras_input(shape = c(4, 5))
  expect_identical(dim(wrapped(x)), c(NA, 4L, 3L))
})

test_that("arg_layers gives Keras a list of cells, and one layer as it is", {
  skip_if_no_keras()
  layers <- keras_module()$layers
  first <- layers$LSTMCell(2L)
  second <- layers$LSTMCell(3L)
  cells <- arg_layers(list(a = first, b = second), "cells")
  expect_null(names(cells))
  stacked <- layers$StackedRNNCells(cells)
  expect_identical(vapply(reticulate::iterate(stacked$cells), function(cell) cell$units, 1L), c(2L, 3L))
  expect_identical(arg_layers(first, "cell"), first)
  expect_error(
    arg_layers(list(first, "gru"), "cells"),
    "`cells[[2]]` must be a Keras layer, not the string \"gru\".",
    fixed = TRUE
  )
})

# ---- r_function: Lambda(function) ----

test_that("arg_r_function takes R functions and refuses what is not callable", {
  double_it <- function(x) x * 2
  expect_identical(arg_r_function(double_it, "f"), double_it)
  expect_identical(arg_r_function(sum, "f"), sum)
  expect_null(arg_r_function(NULL, "mask", nullable = TRUE))
  expect_error(
    arg_r_function("relu", "f"),
    "`f` must be an R function or a Python callable, not the string \"relu\".",
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(
    arg_r_function(NULL, "f"),
    "`f` must be an R function or a Python callable, not `NULL`.",
    fixed = TRUE
  )
  expect_error(
    arg_r_function(list(mean), "mask", nullable = TRUE),
    "`mask` must be an R function or a Python callable or `NULL`, not a list of length 1.",
    fixed = TRUE
  )
})

test_that("arg_r_function takes Python callables, and Keras calls an R function", {
  skip_if_no_keras()
  python_abs <- reticulate::py_eval("abs", convert = FALSE)
  expect_false(is.function(python_abs))
  expect_identical(arg_r_function(python_abs, "f"), python_abs)
  expect_error(
    arg_r_function(reticulate::py_eval("1", convert = FALSE), "f"),
    "`f` must be an R function or a Python callable, not a Python object of class <python.builtin.int>.",
    fixed = TRUE
  )
  ops <- keras_module()$ops
  lambda <- keras_module()$layers$Lambda(arg_r_function(function(x) ops$multiply(x, 2), "f"))
  expect_equal(as.array(lambda(matrix(1:4 + 0, 2, 2))), matrix(c(2, 4, 6, 8), 2, 2))
})

# ---- compose_layer(): R formals Python knows by other names; instance-only call arguments ----

# Wrappers as codegen makes them from the drafts of Lambda and
# ReversibleEmbedding, under class paths of their own so they share no
# cached formals with a wrapper of the package; their `layer_calls` entries
# are in place only during the test.
lambda_path <- "keras.src.layers.core.lambda_layer.Lambda"
embedding_path <- "keras.src.layers.core.reversible_embedding.ReversibleEmbedding"

fixture_lambda <- function(object, f, output_shape = NULL, mask = NULL, ...) {
  compose_layer(
    lambda_path,
    f = arg_r_function(f, "f"),
    output_shape = arg_integers(output_shape, "output_shape", nullable = TRUE),
    mask = arg_r_function(mask, "mask", nullable = TRUE)
  )
}

fixture_embedding <- function(object, input_dim, output_dim, reverse_dtype = NULL, ...) {
  compose_layer(
    embedding_path,
    input_dim = arg_integer(input_dim, "input_dim", min = 1),
    output_dim = arg_integer(output_dim, "output_dim", min = 1),
    reverse_dtype = arg_dtype(reverse_dtype, "reverse_dtype", nullable = TRUE)
  )
}

with_fixture_layer_calls <- function(code) {
  ns <- asNamespace("rkeras")
  saved <- ns$layer_calls
  entries <- list(
    list(
      inputs = "inputs", input_dtype = "any", variadic = FALSE, named_inputs = c(),
      call_args = list(mask = "tensor", training = "flag"),
      instance_only = "mask", py_names = c(f = "function")
    ),
    list(
      inputs = "inputs", input_dtype = "any", variadic = FALSE, named_inputs = c(),
      call_args = list(reverse = "flag"), instance_only = "reverse"
    )
  )
  reset <- function(calls) {
    unlockBinding("layer_calls", ns)
    assign("layer_calls", calls, envir = ns)
    lockBinding("layer_calls", ns)
    the$layer_calls <- list2env(calls, parent = emptyenv())
    the$layer_call_index <- NULL
    cached <- intersect(c(lambda_path, embedding_path), ls(the$wrapper_formals))
    rm(list = cached, envir = the$wrapper_formals)
  }
  reset(c(saved, stats::setNames(entries, c(lambda_path, embedding_path))))
  on.exit(reset(saved))
  code
}

test_that("an argument Python knows by another name is sent under that name", {
  skip_if_no_keras()
  with_fixture_layer_calls({
    double_it <- function(x) keras_module()$ops$multiply(x, 2)
    x <- matrix(c(1, 2, 3, 4), 2, 2)
    doubled <- matrix(c(2, 4, 6, 8), 2, 2)
    expect_equal(as.array(fixture_lambda(x, f = double_it)), doubled)
    expect_equal(as.array(fixture_lambda(x, double_it)), doubled)
    expect_equal(as.array(fixture_lambda(x, f = double_it, training = FALSE)), doubled)
    layer <- fixture_lambda(f = double_it, name = "doubling")
    expect_identical(layer$name, "doubling")
    expect_equal(as.array(layer(x)), doubled)
    expect_error(
      fixture_lambda(x, f = "double"),
      "`f` must be an R function or a Python callable, not the string \"double\".",
      fixed = TRUE, class = "rkeras_arg_error"
    )
    expect_error(
      fixture_lambda(x),
      "`f` is missing, with no default: `fixture_lambda()` needs it.",
      fixed = TRUE, class = "rkeras_arg_error"
    )
  })
})

test_that("an instance-only call argument reaches the layer instance's call, not the wrapper's", {
  skip_if_no_keras()
  local_reproducible_output(unicode = FALSE)
  with_fixture_layer_calls({
    # Lambda: `mask =` of the wrapper is the constructor's; the instance's call takes its own.
    layer <- fixture_lambda(f = function(x) x, mask = function(inputs, mask) NULL)
    x <- matrix(c(1, 2, 3, 4), 2, 2)
    expect_equal(as.array(layer(x, mask = matrix(TRUE, 2, 2))), x)
    expect_error(layer(x, mask = "all"), "`mask` must be a tensor or an R array", fixed = TRUE)

    # ReversibleEmbedding: `reverse =` would be matched to `reverse_dtype`.
    ids <- matrix(c(1L, 2L, 3L, 0L), 2, 2)
    embedding <- fixture_embedding(input_dim = 5, output_dim = 3)
    hidden <- embedding(ids)
    expect_identical(dim(hidden), c(2L, 2L, 3L))
    expect_identical(dim(embedding(hidden, reverse = TRUE)), c(2L, 2L, 5L))
    partial <- expect_error(
      fixture_embedding(ids, input_dim = 5, output_dim = 3, reverse = TRUE),
      class = "rkeras_arg_error"
    )
    expect_identical(
      cli::ansi_strip(conditionMessage(partial)),
      paste0(
        "`reverse` is not an argument of `fixture_embedding()`.\n",
        "x R would match it partially to `reverse_dtype`.\n",
        "i `reverse` is an argument of the layer's call: create the layer, then call it with ",
        "`layer(x, reverse = ...)`."
      )
    )
    in_dots <- expect_error(
      fixture_embedding(ids, input_dim = 5, output_dim = 3, reverse_dtype = "float32", reverse = TRUE),
      class = "rkeras_arg_error"
    )
    expect_match(
      cli::ansi_strip(conditionMessage(in_dots)),
      "Unknown argument `reverse` in `...`.", fixed = TRUE
    )
    expect_match(
      cli::ansi_strip(conditionMessage(in_dots)),
      "`reverse` is an argument of the layer's call: create the layer, then call it with `layer(x, reverse = ...)`.",
      fixed = TRUE
    )
  })
})

test_that("arg_integer_tuple() always sends a tuple, -1 included", {
  skip_if_no_keras()
  expect_identical(reticulate::py_str(arg_integer_tuple(12, "target_shape")), "(12,)")
  expect_identical(reticulate::py_str(arg_integer_tuple(c(-1, 2, 2), "target_shape")), "(-1, 2, 2)")
  expect_error(
    arg_integer_tuple(c(1.5, 2), "target_shape"),
    "`target_shape` must be one or more whole numbers, not a double vector of length 2.", fixed = TRUE
  )
  expect_error(arg_integer_tuple(numeric(), "dims"), "`dims` must be one or more whole numbers", fixed = TRUE)
})
