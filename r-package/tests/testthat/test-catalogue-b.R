# The layer catalogue, group B (issue 16): convolution, reshaping, core and
# recurrent wrappers. For every wrapper, on the same input and with the same
# arguments:
#   - the output shape equals that of the Keras class called directly through
#     reticulate;
#   - R doubles such as `kernel_size = c(3, 2)` reach Keras as ints (read back
#     from the layer's config);
#   - every argument is coerced, and a bad value of its type is refused in R
#     with an error naming it;
#   - a model holding the layer saves to `.keras` and reloads in one fresh R
#     process with identical outputs (test-catalogue-reload.R).
# The cases are in helper-catalogue.R.
# RNN cells (`cell = TRUE`) have no input of their own: their wrappers only
# build them, so each is compared inside `layer_rnn()` with `keras.layers.RNN`
# around the Keras cell.

# The same layer built from Keras's class directly: a cell inside keras.layers.RNN.
catalogue_b_keras_layer <- function(case) {
  keras <- reticulate::import("keras")
  layer <- do.call(keras$layers[[case$class]], case$py)
  if (case$cell) keras$layers$RNN(layer) else layer
}

test_that("every argument of every group B wrapper is coerced", {
  skip_if_no_keras() # the cases hold layers
  for (case in catalogue_b_cases()) {
    fn <- get(case$fn, envir = asNamespace("rkeras"))
    coercers <- wrapper_coercers(case$fn)
    formal_args <- setdiff(names(formals(fn)), c("object", "inputs", "..."))
    expect_identical(as.character(names(coercers)), formal_args, info = case$fn)
    expect_true(all(coercers %in% names(catalogue_bad_values)), info = case$fn)
  }
})

test_that("group B wrappers give Keras's output shape for the same arguments", {
  skip_if_no_keras()
  keras <- reticulate::import("keras")
  for (case in catalogue_b_cases()) {
    x <- catalogue_b_input(case$input)
    ours <- catalogue_b_output(case, x)
    keras_layer <- catalogue_b_keras_layer(case)
    theirs <- keras_layer(keras$ops$convert_to_tensor(x, dtype = "float32"))
    expect_identical(dim(ours), dim(theirs), info = case$fn)
    expect_gt(length(dim(ours)), 0)
    # Without weights, the values must agree too.
    if (!length(keras_layer$weights)) {
      expect_equal(as.array(ours), as.array(theirs), tolerance = 1e-6, info = case$fn)
    }
  }
})

test_that("group B wrappers hand Keras ints for R doubles", {
  skip_if_no_keras()
  for (case in catalogue_b_cases()) {
    layer <- do.call(case$fn, case$r)
    config <- layer$get_config()
    for (name in names(case$config)) {
      expect_identical(config[[name]], case$config[[name]], info = paste(case$fn, name))
    }
  }
})

test_that("a bad value of each argument's type is refused, naming the argument", {
  skip_if_no_keras() # the names of activations and initializers come from Keras
  for (case in catalogue_b_cases()) {
    expect_every_argument_checked(case$fn, case$r)
  }
})

test_that("the declared types are the ones keras3 users rely on", {
  for (fn in c("layer_conv_2d", "layer_conv_3d", "layer_conv_2d_transpose", "layer_separable_conv_2d")) {
    coercers <- wrapper_coercers(fn)
    expect_identical(unname(coercers[c("filters", "kernel_size", "strides", "dilation_rate")]),
      c("arg_integer", "arg_integers", "arg_integers", "arg_integers"),
      info = fn
    )
    expect_identical(unname(coercers[c("padding", "data_format")]), c("arg_choice", "arg_choice"), info = fn)
  }
  expect_error(layer_conv_2d(filters = 2, kernel_size = 3, padding = "causal"), '`padding` must be one of "valid", "same"',
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(layer_conv_3d(filters = 0, kernel_size = 3), "`filters` must be a whole number >= 1", fixed = TRUE)
  expect_error(layer_depthwise_conv_2d(kernel_size = c(3, NA)), "`kernel_size` must be one or more whole numbers", fixed = TRUE)
  expect_error(layer_upsampling_2d(interpolation = "cubic"), '`interpolation` must be one of "bicubic"', fixed = TRUE)
  expect_error(layer_upsampling_1d(size = c(2, 2)), "`size` must be a whole number >= 1", fixed = TRUE)
  expect_error(layer_repeat_vector(n = 0), "`n` must be a whole number >= 1", fixed = TRUE)
  expect_error(layer_einsum_dense(equation = "ab,bc->ac", output_shape = c(4, -1)), "`output_shape` must be a shape", fixed = TRUE)
  expect_error(layer_masking(mask_value = NA), "`mask_value` must be a finite number", fixed = TRUE)
  expect_error(layer_gru(units = 2, recurrent_dropout = 1.5), "`recurrent_dropout` must be a number in [0, 1]", fixed = TRUE)
  expect_error(layer_simple_rnn(units = 2, seed = 1.5), "`seed` must be a whole number", fixed = TRUE)
  expect_error(layer_conv_lstm_2d(filters = 2, kernel_size = 3, padding = "causal"), "`padding` must be one of", fixed = TRUE)
  expect_error(layer_cropping_2d(cropping = list(c(1, 1), c(2, 0.5))), "`cropping[[2]]` must be a whole number or a vector of them", fixed = TRUE)
  expect_error(layer_bidirectional(layer = layer_lstm(units = 2), merge_mode = "max"), "`merge_mode` must be one of", fixed = TRUE)
  expect_error(layer_time_distributed(layer = function(x) x), "`layer` must be a Keras layer", fixed = TRUE)
  expect_error(layer_lambda(f = "x * 2"), "`f` must be an R function or a Python callable", fixed = TRUE)
  expect_error(layer_rnn(cell = list(layer_dense(units = 2), "gru")), "`cell[[2]]` must be a Keras layer", fixed = TRUE)
})

# The whole message of an argument error, whitespace squashed (cli wraps it
# to the console width).
expect_arg_message <- function(expr, message) {
  err <- expect_error(expr, class = "rkeras_arg_error")
  expect_identical(gsub("\\s+", " ", conditionMessage(err)), message)
}

test_that("RNN cells and their stack take keras3's arguments, only build, and refuse bad values", {
  skip_if_no_keras()
  # keras3's signatures: no input argument, `units` (or `cells`) first.
  expect_identical(names(formals(rnn_cell_lstm)), c(
    "units", "activation", "recurrent_activation", "use_bias", "kernel_initializer",
    "recurrent_initializer", "bias_initializer", "unit_forget_bias", "kernel_regularizer",
    "recurrent_regularizer", "bias_regularizer", "kernel_constraint", "recurrent_constraint",
    "bias_constraint", "dropout", "recurrent_dropout", "seed", "..."
  ))
  expect_identical(names(formals(rnn_cell_gru))[c(1, 15:18)],
    c("units", "recurrent_dropout", "reset_after", "seed", "...")
  )
  expect_identical(names(formals(rnn_cell_simple))[1:3], c("units", "activation", "use_bias"))
  expect_identical(names(formals(rnn_cells_stack)), c("cells", "..."))
  expect_identical(names(formals(layer_permute)), c("object", "dims", "..."))
  expect_identical(names(formals(layer_reshape)), c("object", "target_shape", "..."))
  # A cell is only built: a tensor given first is taken as `units`, as in keras3.
  expect_arg_message(rnn_cell_lstm(keras_input(shape = 3)),
    "`units` must be a whole number >= 1, not a Python object of class <keras.src.backend.common.keras_tensor.KerasTensor>."
  )
  expect_s3_class(rnn_cell_gru(2), "keras.src.layers.rnn.gru.GRUCell")
  expect_arg_message(rnn_cell_simple(0), "`units` must be a whole number >= 1, not the number 0.")
  expect_arg_message(rnn_cell_lstm(2, seed = 1.5), "`seed` must be a whole number or `NULL`, not the number 1.5.")
  expect_arg_message(rnn_cell_gru(2, recurrent_dropout = 1.5),
    "`recurrent_dropout` must be a number in [0, 1], not the number 1.5."
  )
  expect_arg_message(rnn_cell_gru(2, reset_after = NA), "`reset_after` must be `TRUE` or `FALSE`, not `NA`.")
  expect_arg_message(rnn_cell_simple(2, activation = "no_such_activation"),
    "`activation` must be an activation: a Keras name, a Keras object or an R function, not the string \"no_such_activation\"."
  )
  expect_arg_message(rnn_cells_stack(cells = "lstm"),
    "`cells` must be a list of Keras layers, or one layer, not the string \"lstm\"."
  )
  expect_arg_message(rnn_cells_stack(list(rnn_cell_lstm(2), "gru")),
    "`cells[[2]]` must be a Keras layer, not the string \"gru\"."
  )
  expect_arg_message(layer_reshape(target_shape = c(2, 2.5)),
    "`target_shape` must be one or more whole numbers, not a double vector of length 2."
  )
  expect_arg_message(layer_reshape(target_shape = numeric()),
    "`target_shape` must be one or more whole numbers, not a double vector of length 0."
  )
  expect_arg_message(layer_permute(dims = "2"), "`dims` must be one or more whole numbers, not the string \"2\".")
  # One number is still a tuple, as Keras's Reshape and Permute need.
  x <- catalogue_b_input(c(2, 6))
  expect_identical(dim(layer_reshape(x, 6)), c(2L, 6L))
  expect_identical(layer_reshape(target_shape = 6)$get_config()$target_shape, list(6L))
  expect_identical(dim(layer_permute(x, 1)), c(2L, 6L))
})

test_that("an RNN cell called on one step gives Keras's cell's outputs and states", {
  skip_if_no_keras()
  keras <- reticulate::import("keras")
  x <- catalogue_b_input(c(2, 3))
  h <- catalogue_b_input(c(2, 4))
  steps <- list(
    list(ours = rnn_cell_lstm(4), theirs = keras$layers$LSTMCell(4L), states = list(h, h)),
    list(ours = rnn_cell_gru(4), theirs = keras$layers$GRUCell(4L), states = list(h)),
    list(ours = rnn_cell_simple(4), theirs = keras$layers$SimpleRNNCell(4L), states = list(h))
  )
  for (step in steps) {
    ours <- step$ours(x, step$states)
    states <- lapply(step$states, function(s) keras$ops$convert_to_tensor(s, dtype = "float32"))
    step$theirs(keras$ops$convert_to_tensor(x, dtype = "float32"), states)
    step$theirs$set_weights(step$ours$get_weights())
    theirs <- step$theirs(keras$ops$convert_to_tensor(x, dtype = "float32"), states)
    expect_equal(as.array(ours[[1]]), as.array(theirs[[1]]), tolerance = 1e-6)
    expect_length(ours[[2]], length(step$states))
    for (i in seq_along(step$states)) {
      expect_equal(as.array(ours[[2]][[i]]), as.array(theirs[[2]][[i]]), tolerance = 1e-6)
    }
  }
})

test_that("layer_lambda() takes an R function as Keras's `function`, and a model holding one says at save time that it cannot be saved", {
  skip_if_no_keras()
  expect_identical(names(formals(layer_lambda))[1:2], c("object", "f"))
  x <- matrix(c(1, 2, 3, 4, 5, 6), nrow = 2)
  expect_equal(as.array(layer_lambda(x, function(x) x * 2)), x * 2, tolerance = 1e-6)
  input <- keras_input(shape = 3)
  model <- keras_model(input, layer_lambda(input, f = function(x) x^2, name = "squares"))
  expect_equal(predict(model, x, verbose = 0), x^2, tolerance = 1e-6)
  path <- tempfile(fileext = ".keras")
  err <- expect_error(save_model(model, path), class = "rkeras_unsavable_error")
  expect_match(conditionMessage(err), "layer `squares`", fixed = TRUE)
  expect_no_match(conditionMessage(err), "pickle|Traceback")
  expect_false(file.exists(path))
})
