# Issue 16, group A: the activation, pooling, regularization, normalization
# and merging wrappers. Each is checked against the Keras class called
# directly with the same arguments: the same config (R doubles reach Keras
# as ints, axes counted from 1 reach it counted from 0), the same output
# shape on the same symbolic input, and the same values on the same array.
# Bad values stop in R with an error naming the argument. A model holding
# each layer saves to `.keras` and reloads in one fresh R process with
# identical outputs.

keras_class <- function(name) reticulate::import("keras")$layers[[name]]
py_tuple <- function(...) reticulate::tuple(...)

# One case per wrapper: its arguments as an R user writes them (doubles),
# the Keras class and the same arguments as Python takes them, and the input
# shapes without the batch axis (two for the merging layers).
catalogue_a <- list(
  layer_activation = list(r = list(activation = "tanh"), py = "Activation", py_args = list(activation = "tanh"), shape = list(c(4, 3))),
  layer_activation_elu = list(r = list(alpha = 0.5), py = "ELU", py_args = list(alpha = 0.5), shape = list(c(4, 3))),
  layer_activation_leaky_relu = list(r = list(negative_slope = 0.2), py = "LeakyReLU", py_args = list(negative_slope = 0.2), shape = list(c(4, 3))),
  layer_activation_parametric_relu = list(r = list(shared_axes = 2), py = "PReLU", py_args = list(shared_axes = 1L), shape = list(c(4, 3))),
  layer_activation_relu = list(r = list(max_value = 1, negative_slope = 0.1, threshold = 0.2), py = "ReLU", py_args = list(max_value = 1, negative_slope = 0.1, threshold = 0.2), shape = list(c(4, 3))),
  layer_activation_softmax = list(r = list(axis = 2), py = "Softmax", py_args = list(axis = 1L), shape = list(c(4, 3))),
  layer_average_pooling_1d = list(r = list(pool_size = 2, strides = 1, padding = "same"), py = "AveragePooling1D", py_args = list(pool_size = 2L, strides = 1L, padding = "same"), shape = list(c(6, 3))),
  layer_average_pooling_2d = list(r = list(pool_size = c(2, 3), strides = 2), py = "AveragePooling2D", py_args = list(pool_size = py_tuple(2L, 3L), strides = 2L), shape = list(c(6, 7, 2))),
  layer_average_pooling_3d = list(r = list(pool_size = 2, padding = "same"), py = "AveragePooling3D", py_args = list(pool_size = 2L, padding = "same"), shape = list(c(4, 5, 3, 2))),
  layer_max_pooling_1d = list(r = list(pool_size = 3, strides = 2), py = "MaxPooling1D", py_args = list(pool_size = 3L, strides = 2L), shape = list(c(7, 3))),
  layer_max_pooling_2d = list(r = list(pool_size = 2, padding = "same"), py = "MaxPooling2D", py_args = list(pool_size = 2L, padding = "same"), shape = list(c(5, 7, 2))),
  layer_max_pooling_3d = list(r = list(pool_size = c(1, 2, 2), strides = c(1, 2, 1)), py = "MaxPooling3D", py_args = list(pool_size = py_tuple(1L, 2L, 2L), strides = py_tuple(1L, 2L, 1L)), shape = list(c(4, 5, 3, 2))),
  layer_global_average_pooling_2d = list(r = list(keepdims = TRUE), py = "GlobalAveragePooling2D", py_args = list(keepdims = TRUE), shape = list(c(4, 5, 3))),
  layer_global_average_pooling_3d = list(r = list(data_format = "channels_first"), py = "GlobalAveragePooling3D", py_args = list(data_format = "channels_first"), shape = list(c(2, 4, 5, 3))),
  layer_global_max_pooling_2d = list(r = list(), py = "GlobalMaxPooling2D", py_args = list(), shape = list(c(4, 5, 3))),
  layer_global_max_pooling_3d = list(r = list(keepdims = TRUE), py = "GlobalMaxPooling3D", py_args = list(keepdims = TRUE), shape = list(c(2, 4, 5, 3))),
  layer_activity_regularization = list(r = list(l1 = 0.01, l2 = 0.02), py = "ActivityRegularization", py_args = list(l1 = 0.01, l2 = 0.02), shape = list(c(4, 3))),
  layer_alpha_dropout = list(r = list(rate = 0.3, noise_shape = c(NA, 1, 3), seed = 7), py = "AlphaDropout", py_args = list(rate = 0.3, noise_shape = py_tuple(NULL, 1L, 3L), seed = 7L), shape = list(c(4, 3))),
  layer_gaussian_dropout = list(r = list(rate = 0.3, seed = 7), py = "GaussianDropout", py_args = list(rate = 0.3, seed = 7L), shape = list(c(4, 3))),
  layer_gaussian_noise = list(r = list(stddev = 0.5, seed = 7), py = "GaussianNoise", py_args = list(stddev = 0.5, seed = 7L), shape = list(c(4, 3))),
  layer_spatial_dropout_1d = list(r = list(rate = 0.3, seed = 7), py = "SpatialDropout1D", py_args = list(rate = 0.3, seed = 7L), shape = list(c(4, 3))),
  layer_spatial_dropout_2d = list(r = list(rate = 0.3, data_format = "channels_last", seed = 7), py = "SpatialDropout2D", py_args = list(rate = 0.3, data_format = "channels_last", seed = 7L), shape = list(c(4, 5, 3))),
  layer_spatial_dropout_3d = list(r = list(rate = 0.3, seed = 7), py = "SpatialDropout3D", py_args = list(rate = 0.3, seed = 7L), shape = list(c(2, 4, 5, 3))),
  layer_batch_normalization = list(r = list(axis = 2, momentum = 0.9, epsilon = 0.01), py = "BatchNormalization", py_args = list(axis = 1L, momentum = 0.9, epsilon = 0.01), shape = list(c(4, 3))),
  layer_group_normalization = list(r = list(groups = 2, axis = -1), py = "GroupNormalization", py_args = list(groups = 2L, axis = -1L), shape = list(c(4, 6))),
  layer_rms_normalization = list(r = list(axis = 3, epsilon = 0.001), py = "RMSNormalization", py_args = list(axis = 2L, epsilon = 0.001), shape = list(c(4, 3))),
  layer_unit_normalization = list(r = list(axis = c(2, 3)), py = "UnitNormalization", py_args = list(axis = py_tuple(1L, 2L)), shape = list(c(4, 3))),
  layer_average = list(r = list(), py = "Average", py_args = list(), shape = list(c(4, 3), c(4, 3))),
  layer_dot = list(r = list(axes = c(3, 2), normalize = TRUE), py = "Dot", py_args = list(axes = py_tuple(2L, 1L), normalize = TRUE), shape = list(c(4, 3), c(3, 5))),
  layer_maximum = list(r = list(), py = "Maximum", py_args = list(), shape = list(c(4, 3), c(4, 3))),
  layer_minimum = list(r = list(), py = "Minimum", py_args = list(), shape = list(c(4, 3), c(4, 3))),
  layer_multiply = list(r = list(), py = "Multiply", py_args = list(), shape = list(c(4, 3), c(4, 3))),
  layer_subtract = list(r = list(), py = "Subtract", py_args = list(), shape = list(c(4, 3), c(4, 3)))
)

case_inputs <- function(case) {
  inputs <- lapply(case$shape, function(s) keras_input(shape = s))
  if (length(inputs) == 1L) inputs[[1]] else inputs
}

case_arrays <- function(case, batch = 2) {
  arrays <- lapply(case$shape, function(s) random_array(batch, s))
  if (length(arrays) == 1L) arrays[[1]] else arrays
}

# The config as Python prints it, without the name: 2 and 2.0 differ, so a
# double that should have become an int shows.
config_repr <- function(layer) {
  helpers <- reticulate::py_run_string(paste(
    "def rkeras_test_config_repr(layer):",
    "    config = dict(layer.get_config())",
    "    config.pop('name', None)",
    "    return repr(config)",
    sep = "\n"
  ), local = TRUE)
  helpers$rkeras_test_config_repr(layer)
}

test_that("every wrapper of group A matches the Keras class: config, output shape and values", {
  skip_if_no_keras()
  set.seed(16)
  for (name in names(catalogue_a)) {
    case <- catalogue_a[[name]]
    wrapper <- getExportedValue("rkeras", name)
    r_layer <- do.call(wrapper, case$r)
    py_layer <- do.call(keras_class(case$py), case$py_args)
    # Same config, Python types included: `pool_size = 2` arrived as int 2.
    expect_identical(config_repr(r_layer), config_repr(py_layer), info = name)

    input <- case_inputs(case)
    r_out <- do.call(wrapper, c(list(input), case$r))
    py_out <- do.call(keras_class(case$py), case$py_args)(input)
    expect_identical(format(shape(r_out)), format(shape(py_out)), info = name)

    x <- case_arrays(case)
    r_value <- as.array(do.call(wrapper, c(list(x), case$r)))
    py_value <- as.array(do.call(keras_class(case$py), case$py_args)(x))
    expect_equal(r_value, py_value, tolerance = 1e-6, info = name)
    expect_identical(dim(r_value), dim(py_value), info = name)
  }
})

test_that("whole doubles reach Keras as ints and axes arrive counted from 0", {
  skip_if_no_keras()
  pool <- layer_max_pooling_2d(pool_size = 3, strides = c(1, 2))
  expect_identical(pool$pool_size, list(3L, 3L))
  expect_identical(pool$strides, list(1L, 2L))
  expect_identical(layer_average_pooling_1d(pool_size = 2)$pool_size, list(2L))
  expect_identical(layer_max_pooling_3d(pool_size = 2)$pool_size, list(2L, 2L, 2L))
  expect_identical(layer_group_normalization(groups = 4)$groups, 4L)
  expect_identical(layer_gaussian_noise(stddev = 0.1, seed = 3)$seed, 3L)
  expect_identical(layer_spatial_dropout_1d(rate = 0.1, seed = 3)$seed, 3L)
  expect_identical(layer_alpha_dropout(rate = 0.1, noise_shape = c(NA, 1, 4))$noise_shape, list(NULL, 1L, 4L))
  expect_identical(layer_batch_normalization(axis = 2)$axis, 1L)
  expect_identical(layer_activation_softmax(axis = -1)$axis, -1L)
  expect_identical(layer_rms_normalization(axis = 2)$axis, 1L)
  expect_identical(unlist(reticulate::iterate(layer_unit_normalization(axis = c(2, 3))$axis)), c(1L, 2L))
  expect_identical(unlist(reticulate::iterate(layer_activation_parametric_relu(shared_axes = c(2, 3))$shared_axes)), c(1L, 2L))
  expect_identical(unlist(layer_dot(axes = c(2, 3))$axes), c(1L, 2L))
  expect_identical(layer_dot(axes = 2)$axes, 1L)
  # An R function as the activation: Keras calls it.
  x <- array(c(-1, 2, -3, 4), dim = c(2, 2))
  expect_equal(as.array(layer_activation(x, function(x) x * 3)), x * 3, ignore_attr = TRUE)
})

test_that("the merging wrappers take their inputs as keras3 does", {
  skip_if_no_keras()
  a <- array(c(1, 2, 3, 4, 5, 6), dim = c(2, 3))
  b <- array(c(6, 5, 4, 3, 2, 1), dim = c(2, 3))
  c3 <- array(2, dim = c(2, 3))
  expect_equal(as.array(layer_subtract(a, b)), a - b, ignore_attr = TRUE)
  expect_equal(as.array(layer_subtract(list(a, b))), a - b, ignore_attr = TRUE)
  expect_equal(as.array(layer_average(a, b, c3)), (a + b + c3) / 3, ignore_attr = TRUE)
  expect_equal(as.array(layer_maximum(list(a, b), c3)), pmax(a, b, c3), ignore_attr = TRUE)
  expect_equal(as.array(layer_minimum(list(a, b, c3))), pmin(a, b, c3), ignore_attr = TRUE)
  expect_equal(as.array(layer_multiply(a, b)), a * b, ignore_attr = TRUE)
  expect_equal(as.array(layer_dot(a, b, axes = 2)), matrix(rowSums(a * b)), ignore_attr = TRUE)
  expect_identical(names(formals(layer_dot)), c("inputs", "...", "axes", "normalize"))
  expect_error(layer_dot(a, b), "`axes` is missing", class = "rkeras_arg_error")
})

test_that("a bad value of each argument type stops in R, naming the argument and what it got", {
  cases <- list(
    # integers
    list(quote(layer_max_pooling_2d(pool_size = 1.5)), "`pool_size` must be one or more whole numbers", "the number 1.5"),
    list(quote(layer_average_pooling_1d(pool_size = 2, strides = "2")), "`strides` must be one or more whole numbers", 'the string "2"'),
    list(quote(layer_average_pooling_3d(pool_size = c(2, NA))), "`pool_size` must be one or more whole numbers", NULL),
    # integer
    list(quote(layer_group_normalization(groups = 2.5)), "`groups` must be a whole number", "the number 2.5"),
    list(quote(layer_gaussian_dropout(rate = 0.1, seed = 0.5)), "`seed` must be a whole number", "the number 0.5"),
    list(quote(layer_spatial_dropout_2d(rate = 0.1, seed = "a")), "`seed` must be a whole number", 'the string "a"'),
    # choice
    list(quote(layer_max_pooling_1d(padding = "full")), "`padding` must be one of", 'the string "full"'),
    list(quote(layer_global_max_pooling_2d(data_format = "channels_middle")), "`data_format` must be one of", NULL),
    list(quote(layer_spatial_dropout_3d(rate = 0.1, data_format = "nchw")), "`data_format` must be one of", NULL),
    # flag
    list(quote(layer_global_average_pooling_3d(keepdims = NA)), "`keepdims` must be `TRUE` or `FALSE`", "`NA`"),
    list(quote(layer_batch_normalization(center = "yes")), "`center` must be `TRUE` or `FALSE`", NULL),
    list(quote(layer_dot(axes = 2, normalize = 1)), "`normalize` must be `TRUE` or `FALSE`", NULL),
    # number, with Keras's ranges
    list(quote(layer_activation_elu(alpha = "1")), "`alpha` must be a finite number", 'the string "1"'),
    list(quote(layer_activation_leaky_relu(negative_slope = -0.1)), "`negative_slope` must be a number >= 0", "the number -0.1"),
    list(quote(layer_activation_relu(max_value = -1)), "`max_value` must be a number >= 0 or `NULL`", "the number -1"),
    list(quote(layer_activity_regularization(l1 = -1)), "`l1` must be a number >= 0", "the number -1"),
    list(quote(layer_alpha_dropout(rate = 1.5)), "`rate` must be a number in [0, 1]", "the number 1.5"),
    list(quote(layer_gaussian_noise(stddev = 2)), "`stddev` must be a number in [0, 1]", "the number 2"),
    list(quote(layer_spatial_dropout_1d(rate = -0.1)), "`rate` must be a number in [0, 1]", NULL),
    list(quote(layer_rms_normalization(epsilon = -1)), "`epsilon` must be a number >= 0", NULL),
    # axis
    list(quote(layer_activation_softmax(axis = 0)), "`axis` must be a non-zero whole number", "the number 0"),
    list(quote(layer_batch_normalization(axis = 1.5)), "`axis` must be a non-zero whole number", NULL),
    list(quote(layer_unit_normalization(axis = c(2, 0))), "`axis` must be a non-zero whole number", NULL),
    list(quote(layer_activation_parametric_relu(shared_axes = "2")), "`shared_axes` must be a non-zero whole number", NULL),
    list(quote(layer_dot(axes = 0)), "`axes` must be a non-zero whole number", NULL),
    # shape
    list(quote(layer_alpha_dropout(rate = 0.1, noise_shape = c(1.5, 2))), "`noise_shape` must be a shape", "a double vector of length 2"),
    # string
    list(quote(layer_max_pooling_2d(name = 3)), "`name` must be a single string", "the number 3"),
    list(quote(layer_spatial_dropout_1d(rate = 0.1, name = c("a", "b"))), "`name` must be a single string", NULL),
    # keras object
    list(quote(layer_batch_normalization(renorm_clipping = list(rmax = 3))), "`renorm_clipping` must be a Python object or `NULL`", NULL)
  )
  for (case in cases) {
    err <- expect_error(eval(case[[1]]), case[[2]], fixed = TRUE, class = "rkeras_arg_error")
    if (!is.null(case[[3]])) expect_match(conditionMessage(err), case[[3]], fixed = TRUE)
  }
})

test_that("activations, initializers, regularizers and constraints are checked before Keras", {
  skip_if_no_keras()
  expect_error(layer_activation(activation = 3), "`activation` must be", fixed = TRUE, class = "rkeras_arg_error")
  expect_error(layer_activation_parametric_relu(alpha_initializer = 1), "`alpha_initializer` must be", fixed = TRUE, class = "rkeras_arg_error")
  expect_error(layer_batch_normalization(beta_regularizer = TRUE), "`beta_regularizer` must be", fixed = TRUE, class = "rkeras_arg_error")
  expect_error(layer_group_normalization(gamma_constraint = 2), "`gamma_constraint` must be", fixed = TRUE, class = "rkeras_arg_error")
  expect_error(layer_spatial_dropout_2d(rate = 0.1, dtype = 32), "`dtype` must be", fixed = TRUE, class = "rkeras_arg_error")
  prelu <- layer_activation_parametric_relu(alpha_initializer = "ones", alpha_regularizer = "l2", alpha_constraint = "non_neg")
  expect_identical(prelu$get_config()$alpha_regularizer$class_name, "L2")
  expect_identical(prelu$get_config()$alpha_constraint$class_name, "NonNeg")
})

test_that("layer_spectral_normalization wraps a layer as Keras does", {
  skip_if_no_keras()
  features <- keras_input(shape = c(5, 8))
  r_out <- layer_spectral_normalization(features, layer_dense(units = 4), power_iterations = 2)
  py_out <- keras_class("SpectralNormalization")(keras_class("Dense")(units = 4L), power_iterations = 2L)(features)
  expect_identical(format(shape(r_out)), format(shape(py_out)))
  r_layer <- layer_spectral_normalization(layer = layer_dense(units = 4, name = "inner"), power_iterations = 3)
  py_layer <- keras_class("SpectralNormalization")(keras_class("Dense")(units = 4L, name = "inner"), power_iterations = 3L)
  expect_identical(config_repr(r_layer), config_repr(py_layer))
  expect_identical(r_layer$power_iterations, 3L)
  x <- random_array(2, 8)
  invisible(r_layer(x))
  invisible(py_layer(x))
  py_layer$set_weights(r_layer$get_weights())
  expect_equal(as.array(r_layer(x, training = TRUE)), as.array(py_layer(x, training = TRUE)), tolerance = 1e-6)
  expect_error(layer_spectral_normalization(layer = layer_dense(units = 2), power_iterations = 0),
    "`power_iterations` must be a whole number >= 1", fixed = TRUE, class = "rkeras_arg_error")
  # The whole message, whitespace squashed (cli wraps it to the console width).
  err <- expect_error(layer_spectral_normalization(layer = "dense"), class = "rkeras_arg_error")
  expect_identical(gsub("\\s+", " ", conditionMessage(err)),
    "`layer` must be a Keras layer, such as `layer_lstm(units = 4)`, not the string \"dense\".")
  expect_error(layer_spectral_normalization(layer = keras_class("Dense")),
    "`layer` must be a Keras layer", fixed = TRUE, class = "rkeras_arg_error")
})

test_that("a model holding each layer saves to .keras and reloads in a fresh R process with identical outputs", {
  skip_if_no_keras()
  set.seed(61)
  directory <- tempfile("catalogue-a-")
  dir.create(directory)
  expected <- list()
  data <- list()
  for (name in names(catalogue_a)) {
    case <- catalogue_a[[name]]
    input <- case_inputs(case)
    # A dense layer before the layer gives the model weights, so the file
    # carries values as well as the config.
    units <- vapply(case$shape, function(s) tail(s, 1), 1)
    hidden <- if (is.list(input)) {
      lapply(seq_along(input), function(k) layer_dense(input[[k]], units = units[[k]]))
    } else {
      layer_dense(input, units = units[[1]])
    }
    output <- do.call(getExportedValue("rkeras", name), c(list(hidden), case$r))
    model <- keras_model(input, output)
    for (weight in model$weights) weight$assign(as.array(weight) * 1.3 + 0.1)
    save_model(model, file.path(directory, paste0(name, ".keras")))
    data[[name]] <- case_arrays(case)
    expected[[name]] <- predict(model, data[[name]], verbose = 0)
  }
  # layer_spectral_normalization() wraps a layer, so it has no case above.
  input <- keras_input(shape = 8)
  model <- keras_model(input, layer_spectral_normalization(input, layer_dense(units = 4), power_iterations = 2))
  for (weight in model$weights) weight$assign(as.array(weight) * 1.3 + 0.1)
  save_model(model, file.path(directory, "layer_spectral_normalization.keras"))
  data$layer_spectral_normalization <- random_array(2, 8)
  expected$layer_spectral_normalization <- predict(model, data$layer_spectral_normalization, verbose = 0)
  py_classes <- c(vapply(catalogue_a, function(case) case$py, ""), layer_spectral_normalization = "SpectralNormalization")
  saveRDS(data, file.path(directory, "data.rds"))
  script <- file.path(directory, "reload.R")
  writeLines(c(
    "library(rkeras)",
    "directory <- commandArgs(trailingOnly = TRUE)[[1]]",
    "data <- readRDS(file.path(directory, 'data.rds'))",
    "out <- lapply(stats::setNames(nm = names(data)), function(name) {",
    "  model <- load_model(file.path(directory, paste0(name, '.keras')))",
    "  list(layer = class(model$layers[[length(model$layers)]])[[1]],",
    "       predicted = predict(model, data[[name]], verbose = 0))",
    "})",
    "saveRDS(out, file.path(directory, 'reloaded.rds'))"
  ), script)
  log <- suppressWarnings(system2(file.path(R.home("bin"), "Rscript"), shQuote(c(script, directory)),
    stdout = TRUE, stderr = TRUE
  ))
  expect_null(attr(log, "status"), info = paste(log, collapse = "\n"))
  reloaded <- readRDS(file.path(directory, "reloaded.rds"))
  expect_identical(names(reloaded), names(py_classes))
  for (name in names(py_classes)) {
    expect_identical(reloaded[[name]]$predicted, expected[[name]], info = name)
    expect_match(reloaded[[name]]$layer, paste0(".", py_classes[[name]], "$"), info = name)
  }
})
