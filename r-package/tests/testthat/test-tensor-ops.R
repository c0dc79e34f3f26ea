# R's operators and math functions on Keras tensors (eager, symbolic and
# variables), and R functions where Keras takes a callable: an activation, a
# Lambda layer's function, and what save_model() says about them.

eager <- function(x, dtype = "float32") {
  keras_module()$ops$convert_to_tensor(x, dtype = dtype)
}

tensor_dtype <- function(x) {
  keras_module()$backend$standardize_dtype(reticulate::py_get_attr(x, "dtype"))
}

test_that("arithmetic on eager tensors matches R's, in the tensor's dtype", {
  skip_if_no_keras()
  m <- matrix(c(1, -2, 3.5, 4, -5, 6), 2)
  x <- eager(m)
  expect_equal(as.array(x * 2), m * 2)
  expect_equal(as.array(2 * x), 2 * m)
  expect_equal(as.array(x + x), m + m)
  expect_equal(as.array(-x), -m)
  expect_equal(as.array(+x), m)
  expect_equal(as.array(x - 1), m - 1)
  expect_equal(as.array(10 / x), 10 / m, tolerance = 1e-6)
  expect_equal(as.array(x^2), m^2)
  expect_equal(as.array(x %% 3), m %% 3)
  expect_equal(as.array(x %/% 3), m %/% 3)
  expect_equal(as.array(x + m), m + m)
  expect_identical(tensor_dtype(x * 2), "float32")
  expect_identical(tensor_dtype(2L * x), "float32")

  # An integer tensor stays integer with whole R numbers (R's are doubles);
  # a fractional one promotes to float, as Keras does.
  i <- eager(matrix(1:6, 2), "int32")
  expect_identical(tensor_dtype(i + 1), "int32")
  expect_identical(tensor_dtype(i * 2L), "int32")
  expect_identical(as.array(i * 2), matrix(c(2L, 4L, 6L, 8L, 10L, 12L), 2))
  expect_identical(tensor_dtype(i * 2.5), "float32")
  expect_equal(as.array(i * 2.5), matrix(1:6, 2) * 2.5)
})

test_that("comparisons and logic give boolean tensors", {
  skip_if_no_keras()
  m <- matrix(c(1, -2, 3, 4), 2)
  x <- eager(m)
  expect_identical(as.array(x > 1), m > 1)
  expect_identical(as.array(x >= 1), m >= 1)
  expect_identical(as.array(x < 1), m < 1)
  expect_identical(as.array(0 <= x), 0 <= m)
  expect_identical(as.array(x == 3), m == 3)
  expect_identical(as.array(x != x), m != m)
  expect_identical(as.array(!(x > 1)), !(m > 1))
  expect_identical(as.array(x > 0 & x < 4), m > 0 & m < 4)
  expect_identical(as.array(x < 0 | x > 3), m < 0 | m > 3)
  expect_identical(as.array((x > 0) & TRUE), m > 0)
})

test_that("math functions run as keras.ops", {
  skip_if_no_keras()
  m <- matrix(c(0.25, 1, 2.5, 4), 2)
  x <- eager(m)
  for (f in c("abs", "exp", "sqrt", "tanh", "sin", "cos", "floor", "ceiling", "log1p", "expm1", "sign")) {
    expect_equal(as.array(match.fun(f)(x)), match.fun(f)(m), tolerance = 1e-6, label = f)
  }
  expect_equal(as.array(log(x)), log(m), tolerance = 1e-6)
  expect_equal(as.array(log(x, base = 2)), log(m, base = 2), tolerance = 1e-6)
  expect_equal(as.array(log2(x)), log2(m), tolerance = 1e-6)
  expect_equal(as.array(abs(-x)), m)
  expect_equal(as.array(round(x * 1.5)), round(m * 1.5))
  expect_equal(as.array(round(x / 3, digits = 2)), round(m / 3, digits = 2), tolerance = 1e-6)
  expect_equal(as.vector(as.array(cumsum(eager(1:4)))), cumsum(1:4))
  expect_error(gamma(x), class = "rkeras_arg_error")
  expect_error(gamma(x), "not available for Keras tensors", fixed = TRUE)
})

test_that("operators work on symbolic tensors and build a model", {
  skip_if_no_keras()
  input <- keras_input(shape = 3)
  y <- (input * 2 + 1) / input - abs(input)
  expect_s3_class(y, "keras.src.backend.common.keras_tensor.KerasTensor")
  expect_identical(dim(y), c(NA_integer_, 3L))
  expect_s3_class(input > 0, "keras.src.backend.common.keras_tensor.KerasTensor")
  model <- keras_model(input, y)
  m <- matrix(c(1, 2, 3, 4, 5, 6), 2)
  expect_equal(predict(model, m, verbose = 0), (m * 2 + 1) / m - abs(m), tolerance = 1e-6)
})

test_that("variables combine with tensors without R's 'incompatible methods'", {
  skip_if_no_keras()
  layer <- layer_dense(units = 2, kernel_initializer = "ones", use_bias = FALSE)
  layer(matrix(1, 1, 3))
  kernel <- layer$kernel
  expect_s3_class(kernel, "keras.src.backend.common.variables.Variable")
  expect_equal(as.array(kernel * 2), matrix(2, 3, 2))
  expect_no_warning(sum_ <- kernel + eager(matrix(1, 3, 2)))
  expect_equal(as.array(sum_), matrix(2, 3, 2))
  expect_equal(as.array(exp(kernel)), matrix(exp(1), 3, 2), tolerance = 1e-6)
})

test_that("an operand that is not a number, logical or tensor is refused by name", {
  skip_if_no_keras()
  x <- eager(matrix(1, 2, 2))
  expect_error(x + "a", class = "rkeras_arg_error")
  expect_error(x + "a", '`e2` must be a tensor, or a number, logical or array to combine with one, not the string "a"', fixed = TRUE)
  expect_error(list(1) * x, "`e1` must be", fixed = TRUE)
  # A Python failure (shapes that don't broadcast) is one R error, no traceback.
  err <- expect_error(x + eager(matrix(1, 3, 3)), class = "rkeras_python_error")
  expect_no_match(conditionMessage(err), "Traceback")
})

test_that("R's operators on other Python objects are left alone", {
  skip_if_no_keras()
  builtins <- reticulate::import_builtins(convert = FALSE)
  a <- builtins$list(list(1, 2))
  b <- builtins$list(list(1, 2))
  # reticulate's own == on Python objects, not keras.ops.equal.
  expect_true(a == b)
})

test_that("an R function works as an activation and as a Lambda layer's function", {
  skip_if_no_keras()
  m <- matrix(c(1, -2, 3, 4, 0.5, -1), 2)
  dense <- layer_dense(units = 2, activation = function(x) x * 2 + 1, kernel_initializer = "ones")
  expect_equal(as.array(dense(m)), (m %*% matrix(1, 3, 2)) * 2 + 1, tolerance = 1e-6)

  input <- keras_input(shape = 3)
  lambda <- py_class("keras.layers.Lambda")(function(x) tanh(x) * 3)
  model <- keras_model(input, lambda(input))
  expect_equal(predict(model, m, verbose = 0), tanh(m) * 3, tolerance = 1e-6)
})

test_that("save_model() refuses a model holding an R function, naming the layer, and writes nothing", {
  skip_if_no_keras()
  directory <- tempfile("unsavable-")
  dir.create(directory)
  path <- file.path(directory, "model.keras")

  input <- keras_input(shape = 3)
  lambda <- py_class("keras.layers.Lambda")(function(x) x * 2, name = "doubling")
  model <- keras_model(input, layer_dense(lambda(input), units = 1))
  err <- expect_error(save_model(model, path), class = "rkeras_unsavable_error")
  expect_s3_class(err, "rkeras_save_error")
  expect_match(conditionMessage(err), "layer `doubling` (in `function`) holds an R function", fixed = TRUE)
  expect_match(conditionMessage(err), "Keras cannot write R functions", fixed = TRUE)
  expect_no_match(conditionMessage(err), "pickle|Traceback")

  # An R activation would be written as a name no process can load.
  model <- keras_model_sequential(input_shape = 3) |>
    layer_dense(units = 2, activation = function(x) x * 2, name = "scaled")
  err <- expect_error(save_model(model, path), class = "rkeras_unsavable_error")
  expect_match(conditionMessage(err), "layer `scaled` (in `activation`)", fixed = TRUE)

  # Inside a nested model too.
  inner <- keras_model_sequential(input_shape = 3, name = "inner") |>
    layer_dense(units = 2, activation = function(x) x, name = "inner_dense")
  outer <- keras_model(input, inner(input))
  expect_error(save_model(outer, path), "layer `inner_dense` (in `activation`)", fixed = TRUE)
  expect_identical(list.files(directory, all.files = TRUE, no.. = TRUE), character())

  # A model of Keras names saves as before.
  fine <- keras_model_sequential(input_shape = 3) |> layer_dense(units = 2, activation = "relu")
  save_model(fine, path)
  expect_true(file.exists(path))
})
