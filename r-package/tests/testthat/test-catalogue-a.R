# Issue 16, group A: the activation, pooling, regularization, normalization
# and merging wrappers. Each is checked against the Keras class called
# directly with the same arguments: the same config (R doubles reach Keras
# as ints, axes counted from 1 reach it counted from 0), the same output
# shape on the same symbolic input, and the same values on the same array.
# Bad values stop in R with an error naming the argument. The cases are in
# helper-catalogue.R; test-catalogue-reload.R saves and reloads a model
# holding each layer.

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
  cases <- catalogue_a_cases()
  for (name in names(cases)) {
    case <- cases[[name]]
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
