# The runtime of the non-layer kinds (keras-objects.R), through one generated
# wrapper of each form: an object (optimizer_adam(), metric_auc()), values
# (activation_relu()), and either (loss_binary_crossentropy()).

test_that("an object form sends only the arguments given, each coerced by its type", {
  skip_if_no_keras()
  optimizer <- optimizer_adam(learning_rate = 0.5, amsgrad = TRUE)
  expect_true(is_instance(optimizer, "keras.optimizers.Adam"))
  expect_equal(as.numeric(optimizer$learning_rate$numpy()), 0.5)
  expect_true(optimizer$amsgrad)
  # Keras's own defaults apply to the rest.
  expect_equal(optimizer$beta_1, 0.9)
  expect_error(optimizer_adam(learning_rate = -1), "`learning_rate` must be a finite number >= 0 or a learning-rate schedule, not the number -1", class = "rkeras_arg_error")
  expect_error(optimizer_adam(learning_rate = "fast"), "`learning_rate` must be", class = "rkeras_arg_error")
  expect_error(optimizer_adam(beta_1 = 2), "`beta_1` must be", class = "rkeras_arg_error")
  auc <- metric_auc(num_thresholds = 3, curve = "PR", name = "pr")
  expect_identical(auc$name, "pr")
  expect_identical(auc$num_thresholds, 3L)
  expect_error(metric_auc(curve = "roc"), "`curve` must be one of", class = "rkeras_arg_error")
})

test_that("partial names, unnamed extras and unknown keywords are refused with the argument named", {
  skip_if_no_keras()
  expect_error(optimizer_adam(learn = 0.1), "`learn` is not an argument of `optimizer_adam\\(\\)`", class = "rkeras_arg_error")
  expect_error(optimizer_adam(learn = 0.1), "partially to `learning_rate`")
  expect_error(metric_auc(0.5), "Every argument in `...` must be named", class = "rkeras_arg_error")
  err <- expect_error(optimizer_adam(bogus = 1), class = "rkeras_python_ValueError")
  expect_match(conditionMessage(err), "bogus")
  expect_false(grepl("Traceback", conditionMessage(err)))
})

test_that("a loss gives its object without y_true and y_pred, and Keras's values with them", {
  skip_if_no_keras()
  y_true <- rbind(c(0, 1), c(0, 0))
  y_pred <- rbind(c(0.6, 0.4), c(0.4, 0.6))
  values <- as.array(loss_binary_crossentropy(y_true, y_pred))
  expected <- as.array(py_keras()$losses$binary_crossentropy(y_true, y_pred))
  expect_equal(values, expected)
  expect_equal(as.vector(values), c(0.9162907, 0.7135582), tolerance = 1e-6)
  smoothed <- as.array(loss_binary_crossentropy(y_true, y_pred, label_smoothing = 0.2))
  expect_equal(smoothed, as.array(py_keras()$losses$binary_crossentropy(y_true, y_pred, label_smoothing = 0.2)))
  loss <- loss_binary_crossentropy(from_logits = TRUE, reduction = "sum")
  expect_true(is_instance(loss, "keras.losses.BinaryCrossentropy"))
  expect_identical(loss$reduction, "sum")
  expect_equal(as.array(loss(y_true, y_pred)), as.array(py_keras()$losses$BinaryCrossentropy(from_logits = TRUE, reduction = "sum")(y_true, y_pred)))
  expect_error(loss_binary_crossentropy(y_true), "`y_pred` is missing: `loss_binary_crossentropy\\(\\)` computes on", class = "rkeras_arg_error")
  expect_error(loss_binary_crossentropy(y_true, y_pred, reduction = "sum"), "`reduction` configures the object", class = "rkeras_arg_error")
  expect_error(loss_binary_crossentropy(y_true, "a"), "`y_pred` must be", class = "rkeras_arg_error")
})

test_that("an activation computes on x, and stands for Keras's function as a layer's activation", {
  skip_if_no_keras()
  expect_equal(as.vector(as.array(activation_relu(c(-10, -5, 0, 5, 10)))), c(0, 0, 0, 5, 10))
  expect_equal(as.vector(as.array(activation_relu(c(-10, 5, 10), negative_slope = 0.5, max_value = 6))), c(-5, 5, 6))
  expect_error(activation_relu(), "`x` is missing, with no default: `activation_relu\\(\\)` needs it", class = "rkeras_arg_error")
  expect_error(activation_relu(1, threshold = NA), "`threshold` must be", class = "rkeras_arg_error")
  expect_identical(attr(activation_relu, "py_function"), "keras.activations.relu")
  layer <- layer_dense(units = 2, activation = activation_relu)
  expect_identical(layer$get_config()$activation, "relu")
})

test_that("objects and R functions work in compile() and fit(), and survive save and load in a fresh process", {
  skip_if_no_keras()
  set.seed(3)
  model <- keras_model_sequential(input_shape = 3)
  layer_dense(model, 4, activation = activation_relu)
  layer_dense(model, 1, activation = "sigmoid")
  compile(model,
    optimizer = optimizer_adam(learning_rate = 0.01), loss = loss_binary_crossentropy,
    metrics = list(metric_auc(name = "auc"), "accuracy")
  )
  x <- matrix(runif(60), ncol = 3)
  y <- as.numeric(rowSums(x) > 1.5)
  history <- fit(model, x, y, epochs = 2, batch_size = 8, verbose = 0)
  expect_named(history$metrics, c("accuracy", "auc", "loss"), ignore.order = TRUE)
  path <- tempfile(fileext = ".keras")
  save_model(model, path)
  iterations <- as.numeric(model$optimizer$iterations$numpy())
  result <- tempfile(fileext = ".rds")
  data <- tempfile(fileext = ".rds")
  saveRDS(list(x = x, y = y), data)
  expected <- evaluate(model, x, y, verbose = 0)
  script <- tempfile(fileext = ".R")
  writeLines(c(
    "library(rkeras)",
    "args <- commandArgs(TRUE)",
    "model <- load_model(args[[1]])",
    "data <- readRDS(args[[3]])",
    "saveRDS(list(",
    "  optimizer = class(model$optimizer)[[1]],",
    "  iterations = as.numeric(model$optimizer$iterations$numpy()),",
    "  learning_rate = as.numeric(model$optimizer$learning_rate$numpy()),",
    "  loss = model$loss$`__name__`,",
    "  scores = evaluate(model, data$x, data$y, verbose = 0)",
    "), args[[2]])"
  ), script)
  out <- suppressWarnings(system2(file.path(R.home("bin"), "Rscript"), shQuote(c(script, path, result, data)), stdout = TRUE, stderr = TRUE))
  expect_null(attr(out, "status"), info = paste(out, collapse = "\n"))
  loaded <- readRDS(result)
  expect_identical(loaded$optimizer, "keras.src.optimizers.adam.Adam")
  expect_equal(loaded$iterations, iterations)
  expect_gt(iterations, 0)
  expect_equal(loaded$learning_rate, 0.01, tolerance = 1e-6)
  expect_identical(loaded$loss, "binary_crossentropy")
  # The metrics come back by their names, computing what they computed here.
  expect_named(loaded$scores, names(expected), ignore.order = TRUE)
  expect_true(all(c("auc", "accuracy", "loss") %in% names(loaded$scores)))
  expect_equal(loaded$scores[names(expected)], expected, tolerance = 1e-5)
})
