# The activation functions (specs/activation_*.yaml): each computes Keras's
# values on R vectors and matrices, refuses bad arguments in R, and stands for
# Keras's function as a layer's activation, in compile(), fit() and saving.

# Every activation: its Keras name, the input it is checked on (a 1-d R array,
# or a 2 x 4 matrix for those that work along an axis), a non-default argument
# (R's value, and Python's where it differs: an axis counts from 0 there), and
# the values in plain R where they have a closed form.
activation_cases <- function() {
  v <- as.array(seq(-3, 3, by = 0.5))
  m <- matrix(c(1, 2, 3, 4, 4, 3.5, -2, 1), nrow = 2, byrow = TRUE)
  sigmoid <- function(x) 1 / (1 + exp(-x))
  softplus <- function(x) log1p(exp(x))
  case <- function(name, x = v, args = list(), py_args = args, r = NULL, r_args = NULL) {
    list(name = name, fn = get(paste0("activation_", name)), x = x, args = args, py_args = py_args, r = r, r_args = r_args)
  }
  list(
    case("elu", args = list(alpha = 0.5),
      r = function(x, alpha = 1) ifelse(x > 0, x, alpha * (exp(x) - 1))),
    case("exponential", r = exp),
    case("gelu", args = list(approximate = TRUE),
      r = function(x, approximate = FALSE) {
        if (approximate) 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))) else x * stats::pnorm(x)
      }),
    case("hard_sigmoid", r = function(x) pmin(pmax(x / 6 + 0.5, 0), 1)),
    case("hard_silu", r = function(x) x * pmin(pmax(x + 3, 0), 6) / 6),
    case("hard_swish", r = function(x) x * pmin(pmax(x + 3, 0), 6) / 6),
    case("leaky_relu", args = list(negative_slope = 0.5),
      r = function(x, negative_slope = 0.2) ifelse(x >= 0, x, negative_slope * x)),
    case("linear", r = identity),
    case("log_softmax", x = m, args = list(axis = 1), py_args = list(axis = 0L),
      r = function(x) x - log(rowSums(exp(x)))),
    case("mish", r = function(x) x * tanh(softplus(x))),
    case("relu6", r = function(x) pmin(pmax(x, 0), 6)),
    case("selu", r = function(x) 1.05070098 * ifelse(x > 0, x, 1.67326324 * (exp(x) - 1))),
    case("sigmoid", r = sigmoid),
    case("silu", r = function(x) x * sigmoid(x)),
    case("softmax", x = m, args = list(axis = 1), py_args = list(axis = 0L),
      r = function(x) exp(x) / rowSums(exp(x))),
    case("softplus", r = softplus),
    case("softsign", r = function(x) x / (abs(x) + 1)),
    case("tanh", r = tanh),
    case("glu", x = m, args = list(axis = 1), py_args = list(axis = 0L),
      r = function(x) x[, 1:2] * sigmoid(x[, 3:4])),
    case("hard_shrink", args = list(threshold = 1),
      r = function(x, threshold = 0.5) ifelse(abs(x) > threshold, x, 0)),
    case("celu", args = list(alpha = 2),
      r = function(x, alpha = 1) ifelse(x >= 0, x, alpha * (exp(x / alpha) - 1))),
    case("hard_tanh", r = function(x) pmin(pmax(x, -1), 1)),
    case("log_sigmoid", r = function(x) log(sigmoid(x))),
    case("soft_shrink", args = list(threshold = 1),
      r = function(x, threshold = 0.5) ifelse(x > threshold, x - threshold, ifelse(x < -threshold, x + threshold, 0))),
    case("squareplus", args = list(b = 1),
      r = function(x, b = 4) (x + sqrt(x^2 + b)) / 2),
    case("tanh_shrink", r = function(x) x - tanh(x)),
    case("sparse_plus", r = function(x) ifelse(x <= -1, 0, ifelse(x >= 1, x, (x + 1)^2 / 4))),
    case("sparse_sigmoid", r = function(x) pmin(pmax(0.5 * (x + 1), 0), 1)),
    # Each row and each column has one entry more than 1 above the others:
    # it gets 1, the others 0. Keras 3.15 computes the threshold wrongly when
    # more than one entry stays positive (keras-team/keras#23425, fixed by
    # keras-team/keras#23469), so the closed form is checked where one does.
    case("sparsemax", x = rbind(c(1, 2, 3, 5), c(4, 0, 1, 2.5)), args = list(axis = 1), py_args = list(axis = 0L),
      r = function(x) rbind(c(0, 0, 0, 1), c(1, 0, 0, 0))),
    case("threshold", args = list(threshold = 0, default_value = -1), py_args = list(threshold = 0, default_value = -1),
      r = function(x, threshold, default_value) ifelse(x > threshold, x, default_value),
      r_args = list(threshold = 1, default_value = 0))
  )
}

expect_same_values <- function(ours, theirs) {
  expect_equal(as.vector(as.array(ours)), as.vector(as.array(theirs)), tolerance = 1e-6)
}

test_that("all 31 activation functions (keras3's) exist and stand for their Keras functions", {
  skip_if_no_keras()
  cases <- activation_cases()
  expect_length(cases, 30L)
  names <- vapply(cases, `[[`, "", "name")
  expect_setequal(
    sub("^activation_", "", ls("package:rkeras", pattern = "^activation_")),
    c(names, "relu")
  )
  for (case in cases) {
    expect_identical(attr(case$fn, "py_function"), paste0("keras.activations.", case$name), label = case$name)
    expect_identical(names(formals(case$fn))[[1]], "x", label = case$name)
    expect_identical(tail(names(formals(case$fn)), 1L), "...", label = case$name)
  }
  expect_identical(names(formals(activation_threshold)), c("x", "threshold", "default_value", "..."))
  expect_identical(formals(activation_squareplus)$b, 4)
  expect_identical(eval(formals(activation_softmax)$axis), -1L)
})

test_that("every activation gives Keras's values and the closed form's, with a non-default argument too", {
  skip_if_no_keras()
  keras_activations <- py_keras()$activations
  for (case in activation_cases()) {
    py_fn <- keras_activations[[case$name]]
    if (case$name == "threshold") {
      ours <- activation_threshold(case$x, threshold = 1, default_value = 0)
      theirs <- py_fn(case$x, threshold = 1, default_value = 0)
    } else {
      ours <- case$fn(case$x)
      theirs <- py_fn(case$x)
    }
    expect_same_values(ours, theirs)
    expect_equal(dim(as.array(ours)), dim(as.array(theirs)), label = case$name)
    if (!case$name %in% c("log_softmax", "softmax", "glu", "sparsemax")) {
      # Element-wise: the closed form, on the same vector.
      expected <- do.call(case$r, c(list(case$x), case$r_args))
      expect_equal(as.vector(as.array(ours)), as.vector(expected), tolerance = 1e-6, label = case$name)
    } else {
      expect_equal(as.array(ours), case$r(case$x), tolerance = 1e-6, label = case$name)
    }
    if (length(case$args)) {
      ours <- do.call(case$fn, c(list(case$x), case$args))
      theirs <- do.call(py_fn, c(list(case$x), case$py_args))
      expect_same_values(ours, theirs)
      if (is.matrix(case$x)) {
        # R's axis 1 is Keras's axis 0: along each column.
        along_columns <- switch(case$name,
          # Each column's two entries are more than 1 apart: all goes to the larger.
          sparsemax = rbind(c(0, 1, 1, 1), c(1, 0, 0, 0)),
          # Row 1 is the first half, row 2 the second.
          glu = matrix(case$x[1, ] / (1 + exp(-case$x[2, ])), nrow = 1),
          # softmax, log_softmax: the row-wise form on the transpose.
          t(case$r(t(case$x)))
        )
        expect_equal(as.array(ours), along_columns, tolerance = 1e-6, label = case$name)
      } else {
        expected <- do.call(case$r, c(list(case$x), case$args))
        expect_equal(as.vector(as.array(ours)), as.vector(expected), tolerance = 1e-6, label = case$name)
      }
    }
  }
  # The non-default argument changes the values (so the comparisons above are not vacuous).
  v <- as.array(seq(-3, 3, by = 0.5))
  expect_false(isTRUE(all.equal(as.array(activation_elu(v)), as.array(activation_elu(v, alpha = 0.5)))))
  expect_false(isTRUE(all.equal(as.array(activation_gelu(v)), as.array(activation_gelu(v, approximate = TRUE)))))
  m <- matrix(c(1, 2, 3, 4, 4, 3.5, -2, 1), nrow = 2, byrow = TRUE)
  expect_equal(colSums(as.array(activation_softmax(m, axis = 1))), rep(1, 4), tolerance = 1e-6)
  expect_equal(rowSums(as.array(activation_softmax(m))), rep(1, 2), tolerance = 1e-6)
  expect_equal(dim(as.array(activation_glu(m))), c(2L, 2L))
  expect_equal(dim(as.array(activation_glu(m, axis = 1))), c(1L, 4L))
  # Axis -2 of a matrix is R's axis 1.
  expect_same_values(activation_log_softmax(m, axis = -2), activation_log_softmax(m, axis = 1))
  # A 3-d array: the default axis is the last.
  a <- array(seq(-2, 2, length.out = 24), c(2, 3, 4))
  expect_same_values(activation_sparsemax(a), keras_activations$sparsemax(a, axis = -1L))
  expect_same_values(activation_softmax(a, axis = 2), keras_activations$softmax(a, axis = 1L))
  # A plain R vector gives the values of the 1-d array. Not yet for elu with
  # alpha != 1, soft_shrink, sparse_plus and threshold: the runtime sends a
  # plain vector as a Python list, which these Keras functions compare with `>`.
  for (case in activation_cases()) {
    if (is.matrix(case$x) || case$name %in% c("soft_shrink", "sparse_plus", "threshold")) {
      next
    }
    expect_same_values(case$fn(as.vector(v)), case$fn(v))
  }
})

test_that("bad arguments stop in R with the argument named", {
  skip_if_no_keras()
  x <- c(-1, 0, 1)
  m <- matrix(c(1, 2, 3, 4), 2)
  expect_error(activation_elu(x, alpha = 0), "`alpha` must be a number > 0", class = "rkeras_arg_error")
  expect_error(activation_celu(x, alpha = -1), "`alpha` must be a number > 0", class = "rkeras_arg_error")
  expect_error(activation_leaky_relu(x, negative_slope = -0.1), "`negative_slope` must be a number >= 0", class = "rkeras_arg_error")
  expect_error(activation_gelu(x, approximate = "yes"), "`approximate` must be", class = "rkeras_arg_error")
  expect_error(activation_gelu(x, approximate = NA), "`approximate` must be", class = "rkeras_arg_error")
  expect_error(activation_hard_shrink(x, threshold = -1), "`threshold` must be a number >= 0", class = "rkeras_arg_error")
  expect_error(activation_soft_shrink(x, threshold = NA), "`threshold` must be", class = "rkeras_arg_error")
  expect_error(activation_squareplus(x, b = -1), "`b` must be a number >= 0", class = "rkeras_arg_error")
  expect_error(activation_squareplus(x, b = c(1, 2)), "`b` must be", class = "rkeras_arg_error")
  expect_error(activation_softmax(m, axis = 0), "`axis` must be a non-zero whole number", class = "rkeras_arg_error")
  expect_error(activation_log_softmax(m, axis = 1.5), "`axis` must be", class = "rkeras_arg_error")
  expect_error(activation_glu(m, axis = "last"), "`axis` must be", class = "rkeras_arg_error")
  expect_error(activation_sparsemax(m, axis = NULL), "`axis` must be", class = "rkeras_arg_error")
  expect_error(activation_threshold(x, threshold = "a", default_value = 0), "`threshold` must be", class = "rkeras_arg_error")
  expect_error(activation_threshold(x, threshold = 0, default_value = Inf), "`default_value` must be", class = "rkeras_arg_error")
  expect_error(activation_threshold(x, default_value = 0), "`threshold` is missing", class = "rkeras_arg_error")
  expect_error(activation_tanh("a"), "`x` must be", class = "rkeras_arg_error")
  expect_error(activation_sigmoid(), "`x` is missing", class = "rkeras_arg_error")
  expect_error(activation_softmax(m, ax = 1), "`ax` is not an argument", class = "rkeras_arg_error")
  expect_error(activation_elu(x, 2, 3), "Every argument in `...` must be named", class = "rkeras_arg_error")
  # Valid edge values pass: the ranges are not tighter than stated.
  expect_same_values(activation_hard_shrink(x, threshold = 0), x)
  expect_same_values(activation_squareplus(x, b = 0), pmax(x, 0))
  expect_same_values(activation_leaky_relu(x, negative_slope = 0), pmax(x, 0))
})

test_that("every activation is a layer's activation, by Keras's name, and trains in fit()", {
  skip_if_no_keras()
  cases <- activation_cases()
  # Keras saves a function by its own name: hard_swish is hard_silu.
  keras_name <- function(name) if (name == "hard_swish") "hard_silu" else name
  for (case in cases) {
    layer <- layer_dense(units = 2, activation = case$fn)
    expect_identical(layer$get_config()$activation, keras_name(case$name))
  }
  # Seeded in R and in Keras: with unlucky initial weights a branch (soft_shrink)
  # could see only inputs its activation maps to a zero gradient.
  set_random_seed(11)
  x <- matrix(runif(48, -1, 1), ncol = 3)
  y <- rowSums(x)
  # One model with a branch per activation (one fit, one trace), each a
  # layer_dense() named after its activation. threshold needs its arguments
  # (next test); glu halves its layer's output, which Keras's Dense does not
  # report in its output shape, so it is the last layer of a model of its own.
  trained <- Filter(function(case) !case$name %in% c("threshold", "glu"), cases)
  expect_length(trained, 28L)
  input <- keras_input(shape = 3)
  branches <- lapply(trained, function(case) layer_dense(input, 2, activation = case$fn, name = case$name))
  model <- keras_model(input, layer_dense(layer_concatenate(branches), 1))
  compile(model, optimizer = "sgd", loss = "mse")
  before <- lapply(trained, function(case) model$get_layer(case$name)$kernel$numpy())
  history <- fit(model, x, y, epochs = 1, batch_size = 16, verbose = 0)
  expect_length(history$metrics$loss, 1L)
  expect_true(is.finite(history$metrics$loss))
  for (i in seq_along(trained)) {
    layer <- model$get_layer(trained[[i]]$name)
    expect_identical(layer$get_config()$activation, keras_name(trained[[i]]$name))
    # A gradient went through the activation to its layer's weights.
    expect_false(isTRUE(all.equal(layer$kernel$numpy(), before[[i]])), label = trained[[i]]$name)
  }
  glu_model <- keras_model_sequential(input_shape = 3)
  layer_dense(glu_model, 4, activation = activation_glu)
  compile(glu_model, optimizer = "sgd", loss = "mse")
  history <- fit(glu_model, x, cbind(y, -y), epochs = 1, batch_size = 16, verbose = 0)
  expect_true(is.finite(history$metrics$loss))
  expect_identical(glu_model$layers[[1]]$get_config()$activation, "glu")
  expect_identical(dim(predict(glu_model, x, verbose = 0)), c(16L, 2L))
})

test_that("threshold needs its arguments: by name it cannot be called, wrapped in an R function it trains", {
  skip_if_no_keras()
  layer <- layer_dense(units = 2, activation = activation_threshold)
  expect_identical(layer$get_config()$activation, "threshold")
  expect_error(layer(matrix(c(0.1, 0.2, 0.3), 1)), "default_value", class = "rkeras_python_TypeError")
  set.seed(12)
  x <- matrix(runif(48, -1, 1), ncol = 3)
  model <- keras_model_sequential(input_shape = 3)
  layer_dense(model, 2, activation = function(x) activation_threshold(x, threshold = 0, default_value = -1))
  layer_dense(model, 1)
  compile(model, optimizer = "sgd", loss = "mse")
  history <- fit(model, x, rowSums(x), epochs = 1, batch_size = 16, verbose = 0)
  expect_true(is.finite(history$metrics$loss))
  hidden <- keras_model(model$inputs, model$layers[[1]]$output)
  values <- predict(hidden, x, verbose = 0)
  expect_true(all(values > 0 | values == -1))
  expect_true(any(values == -1))
})

test_that("a model with activation_gelu saves to .keras and loads back with the same predictions", {
  skip_if_no_keras()
  set.seed(13)
  model <- keras_model_sequential(input_shape = 3)
  layer_dense(model, 4, activation = activation_gelu)
  layer_dense(model, 2, activation = activation_softmax)
  compile(model, optimizer = "adam", loss = "mse")
  x <- matrix(runif(48), ncol = 3)
  fit(model, x, cbind(x[, 1], 1 - x[, 1]), epochs = 1, verbose = 0)
  before <- predict(model, x, verbose = 0)
  path <- tempfile(fileext = ".keras")
  save_model(model, path)
  loaded <- load_model(path)
  expect_identical(loaded$layers[[1]]$get_config()$activation, "gelu")
  expect_identical(loaded$layers[[2]]$get_config()$activation, "softmax")
  expect_equal(predict(loaded, x, verbose = 0), before, tolerance = 1e-6)
  expect_equal(rowSums(before), rep(1, 16), tolerance = 1e-5)
})
