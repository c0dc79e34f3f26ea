# The generated initializers, regularizers and constraints: each builds its
# Keras class with the arguments given, computes what Keras computes, and
# works in layer_dense() through compile() and fit().

# Each initializer with non-default arguments (seeded ones with seed = 1), the
# Keras class it builds and the same class's keyword arguments in Python terms.
initializer_cases <- function() {
  list(
    constant = list(f = initializer_constant, args = list(value = 3), class = "Constant", py = list(value = 3)),
    identity = list(f = initializer_identity, args = list(gain = 2), class = "Identity", py = list(gain = 2)),
    ones = list(f = initializer_ones, args = list(), class = "Ones", py = list()),
    zeros = list(f = initializer_zeros, args = list(), class = "Zeros", py = list()),
    glorot_normal = list(f = initializer_glorot_normal, args = list(seed = 1), class = "GlorotNormal", py = list(seed = 1L)),
    glorot_uniform = list(f = initializer_glorot_uniform, args = list(seed = 1), class = "GlorotUniform", py = list(seed = 1L)),
    he_normal = list(f = initializer_he_normal, args = list(seed = 1), class = "HeNormal", py = list(seed = 1L)),
    he_uniform = list(f = initializer_he_uniform, args = list(seed = 1), class = "HeUniform", py = list(seed = 1L)),
    lecun_normal = list(f = initializer_lecun_normal, args = list(seed = 1), class = "LecunNormal", py = list(seed = 1L)),
    lecun_uniform = list(f = initializer_lecun_uniform, args = list(seed = 1), class = "LecunUniform", py = list(seed = 1L)),
    orthogonal = list(f = initializer_orthogonal, args = list(gain = 0.5, seed = 1), class = "Orthogonal", py = list(gain = 0.5, seed = 1L)),
    random_normal = list(
      f = initializer_random_normal, args = list(mean = 1, stddev = 2, seed = 1),
      class = "RandomNormal", py = list(mean = 1, stddev = 2, seed = 1L)
    ),
    random_uniform = list(
      f = initializer_random_uniform, args = list(minval = 2, maxval = 3, seed = 1),
      class = "RandomUniform", py = list(minval = 2, maxval = 3, seed = 1L)
    ),
    truncated_normal = list(
      f = initializer_truncated_normal, args = list(mean = -1, stddev = 0.5, seed = 1),
      class = "TruncatedNormal", py = list(mean = -1, stddev = 0.5, seed = 1L)
    ),
    variance_scaling = list(
      f = initializer_variance_scaling, args = list(scale = 2, mode = "fan_avg", distribution = "uniform", seed = 1),
      class = "VarianceScaling", py = list(scale = 2, mode = "fan_avg", distribution = "uniform", seed = 1L)
    )
  )
}

regularizer_cases <- function() {
  list(
    l1 = list(f = regularizer_l1, args = list(l1 = 0.5), class = "L1", py = list(l1 = 0.5)),
    l1_l2 = list(f = regularizer_l1_l2, args = list(l1 = 0.5, l2 = 0.25), class = "L1L2", py = list(l1 = 0.5, l2 = 0.25)),
    l2 = list(f = regularizer_l2, args = list(l2 = 0.25), class = "L2", py = list(l2 = 0.25)),
    orthogonal = list(
      f = regularizer_orthogonal, args = list(factor = 0.5, mode = "columns"),
      class = "OrthogonalRegularizer", py = list(factor = 0.5, mode = "columns")
    )
  )
}

# Axes in rkeras count from 1, in Keras from 0.
constraint_cases <- function() {
  list(
    maxnorm = list(f = constraint_maxnorm, args = list(max_value = 1.5, axis = 2), class = "MaxNorm", py = list(max_value = 1.5, axis = 1L)),
    minmaxnorm = list(
      f = constraint_minmaxnorm, args = list(min_value = 1, max_value = 2, rate = 0.5, axis = 2),
      class = "MinMaxNorm", py = list(min_value = 1, max_value = 2, rate = 0.5, axis = 1L)
    ),
    nonneg = list(f = constraint_nonneg, args = list(), class = "NonNeg", py = list()),
    unitnorm = list(f = constraint_unitnorm, args = list(axis = c(1, 2)), class = "UnitNorm", py = list(axis = reticulate::tuple(0L, 1L)))
  )
}

build <- function(case, module) {
  ours <- do.call(case$f, case$args)
  theirs <- do.call(py_keras()[[module]][[case$class]], case$py)
  list(ours = ours, theirs = theirs)
}

values <- function(x) as.vector(as.array(x))

# Column norms of a weight matrix, as the norm constraints compute them (axis 1).
column_norms <- function(w) sqrt(colSums(w^2))

test_that("every initializer builds its Keras class and gives Keras's values on a shape", {
  skip_if_no_keras()
  shape <- c(3L, 4L)
  for (name in names(initializer_cases())) {
    case <- initializer_cases()[[name]]
    both <- build(case, "initializers")
    expect_true(is_instance(both$ours, paste0("keras.initializers.", case$class)), info = name)
    ours <- both$ours(shape = shape)
    expect_identical(dim(as.array(ours)), shape, info = name)
    expect_equal(values(ours), values(both$theirs(shape = shape)), tolerance = 1e-6, info = name)
  }
  # The arguments reach Keras: values checked in R as well.
  expect_equal(values(initializer_constant(value = 3)(shape)), rep(3, 12))
  expect_equal(as.array(initializer_identity(gain = 2)(c(3L, 3L))), diag(2, 3), ignore_attr = TRUE)
  expect_equal(values(initializer_ones()(shape)), rep(1, 12))
  expect_equal(values(initializer_zeros()(shape)), rep(0, 12))
  uniform <- values(initializer_random_uniform(minval = 2, maxval = 3, seed = 1)(c(50L, 4L)))
  expect_true(all(uniform >= 2 & uniform < 3))
  truncated <- values(initializer_truncated_normal(mean = -1, stddev = 0.5, seed = 1)(c(50L, 4L)))
  expect_true(all(abs(truncated + 1) <= 1))
  q <- as.array(initializer_orthogonal(gain = 0.5, seed = 1)(c(4L, 3L)))
  expect_equal(crossprod(q), diag(0.25, 3), tolerance = 1e-5)
  # A seeded initializer gives the same values on every call, another seed others.
  glorot <- initializer_glorot_uniform(seed = 1)
  expect_equal(values(glorot(shape)), values(glorot(shape)))
  expect_false(isTRUE(all.equal(values(glorot(shape)), values(initializer_glorot_uniform(seed = 2)(shape)))))
  vs <- initializer_variance_scaling(distribution = "normal", seed = 3)
  expect_identical(vs$distribution, "truncated_normal")
  expect_identical(vs$mode, "fan_in")
  expect_equal(vs$scale, 1)
})

test_that("the fan axes of the variance-scaling initializers and the STFT initializer give Keras's values", {
  skip_if_no_keras()
  # A 2D convolution kernel: fan-in over rows, cols and input depth, fan-out over the output depth.
  kernel_shape <- c(2L, 2L, 3L, 4L)
  fans <- list(
    glorot_normal = list(initializer_glorot_normal, "GlorotNormal"),
    glorot_uniform = list(initializer_glorot_uniform, "GlorotUniform"),
    he_normal = list(initializer_he_normal, "HeNormal"),
    he_uniform = list(initializer_he_uniform, "HeUniform"),
    lecun_normal = list(initializer_lecun_normal, "LecunNormal"),
    lecun_uniform = list(initializer_lecun_uniform, "LecunUniform"),
    variance_scaling = list(initializer_variance_scaling, "VarianceScaling")
  )
  for (name in names(fans)) {
    ours <- fans[[name]][[1]](seed = 5, input_axes = c(1, 2, 3), output_axes = 4)
    theirs <- py_keras()$initializers[[fans[[name]][[2]]]](
      seed = 5L, input_axes = reticulate::tuple(0L, 1L, 2L), output_axes = reticulate::tuple(3L)
    )
    expect_equal(ours$get_config()$input_axes, list(0L, 1L, 2L), info = name)
    expect_equal(ours$get_config()$output_axes, list(3L), info = name)
    expect_equal(values(ours(shape = kernel_shape)), values(theirs(shape = kernel_shape)), tolerance = 1e-6, info = name)
  }
  # The fans change the scale: fan_in = 2 * 2 over the first two axes
  # here, but 2 * 2 * 3 (all but the last axis) without them.
  lecun <- values(initializer_lecun_uniform(seed = 5, input_axes = c(1, 2), output_axes = -1)(kernel_shape))
  expect_true(all(abs(lecun) <= sqrt(3 / 4)))
  expect_gt(max(abs(lecun)), sqrt(3 / 12))
  default_fans <- values(initializer_lecun_uniform(seed = 5)(kernel_shape))
  expect_true(all(abs(default_fans) <= sqrt(3 / 12)))

  stft_shape <- c(8L, 1L, 5L)
  for (args in list(list(), list(side = "imag", window = "hamming", scaling = "spectrum", periodic = TRUE), list(window = NULL, scaling = NULL))) {
    ours <- do.call(initializer_stft, args)
    expect_true(is_instance(ours, "keras.initializers.STFT"))
    theirs <- do.call(py_keras()$initializers$STFT, args)
    expect_equal(values(ours(shape = stft_shape)), values(theirs(shape = stft_shape)), tolerance = 1e-6)
  }
  # Without window or scaling, the real kernel is cos(-2 pi t f / n_fft).
  plain <- as.array(initializer_stft(window = NULL, scaling = NULL)(stft_shape))
  expect_equal(plain[, 1, 2], cos(-2 * pi * (0:7) * 1 / 8), tolerance = 1e-6)
})

test_that("every regularizer builds its Keras class and gives Keras's penalty on the same tensor", {
  skip_if_no_keras()
  x <- matrix(c(1, -2, 3, -4, 0.5, 2), nrow = 3)
  # Keras's regularizers compute on float32 tensors, as they meet weights.
  x_tensor <- py_keras()$ops$convert_to_tensor(x, dtype = "float32")
  for (name in names(regularizer_cases())) {
    case <- regularizer_cases()[[name]]
    both <- build(case, "regularizers")
    expect_true(is_instance(both$ours, paste0("keras.regularizers.", case$class)), info = name)
    expect_equal(values(both$ours(x_tensor)), values(both$theirs(x_tensor)), tolerance = 1e-6, info = name)
  }
  expect_equal(values(regularizer_l1(l1 = 0.5)(x_tensor)), 0.5 * sum(abs(x)), tolerance = 1e-6)
  expect_equal(values(regularizer_l2(l2 = 0.25)(x_tensor)), 0.25 * sum(x^2), tolerance = 1e-6)
  expect_equal(values(regularizer_l1_l2(l1 = 0.5, l2 = 0.25)(x_tensor)), 0.5 * sum(abs(x)) + 0.25 * sum(x^2), tolerance = 1e-6)
  expect_equal(values(regularizer_l1_l2(l2 = 0.25)(x_tensor)), 0.25 * sum(x^2), tolerance = 1e-6)
  expect_equal(values(regularizer_l1()(x_tensor)), 0.01 * sum(abs(x)), tolerance = 1e-6)
  expect_equal(values(regularizer_l1(l1 = NULL)(x_tensor)), 0.01 * sum(abs(x)), tolerance = 1e-6)
  # Columns mode: the absolute cosine of the two columns (one pair), times factor.
  cosine <- abs(sum(x[, 1] * x[, 2])) / sqrt(sum(x[, 1]^2) * sum(x[, 2]^2))
  expect_equal(values(regularizer_orthogonal(factor = 0.5, mode = "columns")(x_tensor)), 0.5 * cosine, tolerance = 1e-5)
  rows <- regularizer_orthogonal(factor = 0.5)
  expect_identical(rows$mode, "rows")
  expect_equal(values(rows(x_tensor)), values(py_keras()$regularizers$OrthogonalRegularizer(factor = 0.5)(x_tensor)), tolerance = 1e-6)
})

test_that("every constraint builds its Keras class and gives Keras's weights on the same tensor", {
  skip_if_no_keras()
  w <- matrix(c(3, 4, -1, 0, 0.2, 0.1), nrow = 2)
  for (name in names(constraint_cases())) {
    case <- constraint_cases()[[name]]
    both <- build(case, "constraints")
    expect_true(is_instance(both$ours, paste0("keras.constraints.", case$class)), info = name)
    expect_equal(values(both$ours(w)), values(both$theirs(w)), tolerance = 1e-6, info = name)
  }
  # The default axis is the first (Keras's 0): the norms of the columns.
  expect_identical(constraint_maxnorm()$axis, 0L)
  expect_identical(constraint_unitnorm(axis = -1)$axis, -1L)
  expect_equal(as.array(constraint_maxnorm(max_value = 1)(w)), w %*% diag(pmin(column_norms(w), 1) / column_norms(w)), tolerance = 1e-6, ignore_attr = TRUE)
  expect_equal(column_norms(as.array(constraint_unitnorm()(w))), c(1, 1, 1), tolerance = 1e-5)
  expect_equal(values(constraint_nonneg()(w)), pmax(as.vector(w), 0))
  minmax <- as.array(constraint_minmaxnorm(min_value = 1, max_value = 2)(w))
  expect_equal(column_norms(minmax), pmin(pmax(column_norms(w), 1), 2), tolerance = 1e-5)
  # axis = 2: the norms of the rows.
  expect_equal(sqrt(rowSums(as.array(constraint_unitnorm(axis = 2)(w))^2)), c(1, 1), tolerance = 1e-5)
})

test_that("bad values stop in R with the argument named", {
  skip_if_no_keras()
  expect_error(initializer_constant(value = "a"), "`value` must be", class = "rkeras_arg_error")
  expect_error(initializer_identity(gain = NA), "`gain` must be", class = "rkeras_arg_error")
  expect_error(initializer_ones(3), "Every argument in `...` must be named", class = "rkeras_arg_error")
  expect_error(initializer_zeros(3), "Every argument in `...` must be named", class = "rkeras_arg_error")
  seeded <- list(
    initializer_glorot_normal, initializer_glorot_uniform, initializer_he_normal, initializer_he_uniform,
    initializer_lecun_normal, initializer_lecun_uniform, initializer_orthogonal, initializer_random_normal,
    initializer_random_uniform, initializer_truncated_normal, initializer_variance_scaling
  )
  for (f in seeded) {
    expect_error(f(seed = 1.5), "`seed` must be", class = "rkeras_arg_error")
  }
  expect_error(initializer_glorot_normal(input_axes = 0.5), "`input_axes` must be", class = "rkeras_arg_error")
  expect_error(initializer_glorot_normal(input_axes = 0), "`input_axes` must be a non-zero whole number", class = "rkeras_arg_error")
  expect_error(initializer_he_uniform(output_axes = "last"), "`output_axes` must be", class = "rkeras_arg_error")
  expect_error(initializer_orthogonal(gain = "a"), "`gain` must be", class = "rkeras_arg_error")
  expect_error(initializer_random_normal(stddev = -1), "`stddev` must be", class = "rkeras_arg_error")
  expect_error(initializer_random_normal(mean = Inf), "`mean` must be", class = "rkeras_arg_error")
  expect_error(initializer_random_uniform(maxval = "1"), "`maxval` must be", class = "rkeras_arg_error")
  expect_error(initializer_truncated_normal(stddev = -0.1), "`stddev` must be", class = "rkeras_arg_error")
  expect_error(initializer_variance_scaling(scale = 0), "`scale` must be", class = "rkeras_arg_error")
  expect_error(initializer_variance_scaling(mode = "fan"), "`mode` must be one of", class = "rkeras_arg_error")
  expect_error(initializer_variance_scaling(distribution = "gamma"), "`distribution` must be one of", class = "rkeras_arg_error")
  expect_error(initializer_stft(side = "complex"), "`side` must be one of", class = "rkeras_arg_error")
  expect_error(initializer_stft(window = 3), "`window` must be", class = "rkeras_arg_error")
  expect_error(initializer_stft(scaling = "l2"), "`scaling` must be one of", class = "rkeras_arg_error")
  expect_error(initializer_stft(periodic = NA), "`periodic` must be", class = "rkeras_arg_error")
  expect_error(regularizer_l1(l1 = -1), "`l1` must be", class = "rkeras_arg_error")
  expect_error(regularizer_l2(l2 = "a"), "`l2` must be", class = "rkeras_arg_error")
  expect_error(regularizer_l1_l2(l1 = 0.1, l2 = -0.1), "`l2` must be", class = "rkeras_arg_error")
  expect_error(regularizer_orthogonal(factor = -1), "`factor` must be", class = "rkeras_arg_error")
  expect_error(regularizer_orthogonal(mode = "diagonal"), "`mode` must be one of", class = "rkeras_arg_error")
  expect_error(constraint_maxnorm(max_value = -1), "`max_value` must be", class = "rkeras_arg_error")
  expect_error(constraint_maxnorm(axis = 0), "`axis` must be", class = "rkeras_arg_error")
  expect_error(constraint_minmaxnorm(rate = 2), "`rate` must be", class = "rkeras_arg_error")
  expect_error(constraint_minmaxnorm(min_value = -1), "`min_value` must be", class = "rkeras_arg_error")
  expect_error(constraint_unitnorm(axis = 1.5), "`axis` must be", class = "rkeras_arg_error")
  expect_error(constraint_nonneg(1), "Every argument in `...` must be named", class = "rkeras_arg_error")
})

test_that("every initializer, regularizer and constraint works in layer_dense() through compile() and fit()", {
  skip_if_no_keras()
  set.seed(1)
  x <- matrix(runif(16 * 4), ncol = 4)
  y <- rowSums(x)
  shape <- c(4L, 4L)
  inits <- initializer_cases()
  regs <- regularizer_cases()
  cons <- constraint_cases()
  # One chain of dense layers, one per initializer, each with a regularizer
  # and a constraint in turn (the norm constraints on the columns, axis 1).
  cons$maxnorm$args$axis <- 1
  cons$minmaxnorm$args$axis <- 1
  cons$minmaxnorm$args$rate <- 1
  cons$unitnorm$args$axis <- 1
  model <- keras_model_sequential(input_shape = 4)
  used <- data.frame(init = names(inits), reg = rep_len(names(regs), length(inits)), con = rep_len(names(cons), length(inits)))
  for (i in seq_len(nrow(used))) {
    layer_dense(model, 4,
      kernel_initializer = do.call(inits[[used$init[[i]]]]$f, inits[[used$init[[i]]]]$args),
      kernel_regularizer = do.call(regs[[used$reg[[i]]]]$f, regs[[used$reg[[i]]]]$args),
      kernel_constraint = do.call(cons[[used$con[[i]]]]$f, cons[[used$con[[i]]]]$args)
    )
  }
  layer_dense(model, 1)
  # Each layer's kernel is what its initializer gives.
  for (i in seq_len(nrow(used))) {
    case <- inits[[used$init[[i]]]]
    expected <- do.call(py_keras()$initializers[[case$class]], case$py)(shape = shape)
    expect_equal(values(model$layers[[i]]$kernel), values(expected), tolerance = 1e-6, info = used$init[[i]])
  }
  compile(model, optimizer = "sgd", loss = "mse")
  history <- fit(model, x, y, epochs = 1, batch_size = 16, verbose = 0)
  expect_true(is.finite(history$metrics$loss[[1]]))
  # Each layer's penalty is its regularizer's value on its kernel.
  losses <- vapply(model$losses, function(l) as.numeric(as.array(l)), 0)
  expect_length(losses, nrow(used))
  for (i in seq_len(nrow(used))) {
    reg <- regs[[used$reg[[i]]]]
    expected <- values(do.call(py_keras()$regularizers[[reg$class]], reg$py)(model$layers[[i]]$kernel))
    expect_equal(values(model$layers[[i]]$losses[[1]]), expected, tolerance = 1e-5, info = used$reg[[i]])
  }
  # Each constraint holds on the kernel after the update.
  for (i in seq_len(nrow(used))) {
    kernel <- as.array(model$layers[[i]]$kernel$numpy())
    norms <- column_norms(kernel)
    switch(used$con[[i]],
      maxnorm = expect_true(all(norms <= 1.5 + 1e-5), info = used$init[[i]]),
      nonneg = expect_true(all(kernel >= 0), info = used$init[[i]]),
      unitnorm = expect_true(all(abs(norms - 1) < 1e-4 | norms == 0), info = used$init[[i]]),
      minmaxnorm = expect_true(all(norms >= 1 - 1e-5 & norms <= 2 + 1e-5), info = used$init[[i]])
    )
  }
  # STFT initializes a convolution kernel c(frame_length, 1, n_freq); layer_dense() takes it too.
  expect_true(is_instance(layer_dense(units = 5, kernel_initializer = initializer_stft()), "keras.layers.Dense"))
  conv <- keras_model_sequential(input_shape = c(8, 1))
  layer_conv_1d(conv, filters = 5, kernel_size = 8, kernel_initializer = initializer_stft(window = "hamming"))
  layer_flatten(conv)
  layer_dense(conv, 1)
  expect_equal(values(conv$layers[[1]]$kernel),
    values(py_keras()$initializers$STFT(window = "hamming")(shape = c(8L, 1L, 5L))),
    tolerance = 1e-6
  )
  compile(conv, optimizer = "sgd", loss = "mse")
  history <- fit(conv, array(runif(16 * 8), c(16, 8, 1)), runif(16), epochs = 1, verbose = 0)
  expect_true(is.finite(history$metrics$loss[[1]]))
})

test_that("R functions work as kernel_initializer and kernel_regularizer", {
  skip_if_no_keras()
  set.seed(2)
  calls <- 0L
  init <- function(shape, dtype = NULL) {
    calls <<- calls + 1L
    dims <- unlist(shape)
    array(seq_len(prod(dims)) / 100, dim = dims)
  }
  penalty <- function(x) py_keras()$ops$multiply(0.5, py_keras()$ops$sum(py_keras()$ops$square(x)))
  model <- keras_model_sequential(input_shape = 3)
  layer_dense(model, 2, kernel_initializer = init, kernel_regularizer = penalty)
  layer_dense(model, 1)
  expect_gte(calls, 1L)
  expected_kernel <- array(seq_len(6) / 100, dim = c(3, 2))
  expect_equal(as.array(model$layers[[1]]$kernel$numpy()), expected_kernel, tolerance = 1e-6, ignore_attr = TRUE)
  compile(model, optimizer = "sgd", loss = "mse")
  x <- matrix(runif(16 * 3), ncol = 3)
  history <- fit(model, x, rowSums(x), epochs = 1, batch_size = 16, verbose = 0)
  expect_true(is.finite(history$metrics$loss[[1]]))
  kernel <- as.array(model$layers[[1]]$kernel$numpy())
  expect_false(isTRUE(all.equal(kernel, expected_kernel, check.attributes = FALSE)))
  expect_equal(values(model$layers[[1]]$losses[[1]]), 0.5 * sum(kernel^2), tolerance = 1e-5)
})
