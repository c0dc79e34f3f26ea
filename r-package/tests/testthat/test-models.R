# The model functions keep keras3's names; numbers from R are coerced.

test_that("keras_input builds a symbolic tensor and validates its shape", {
  skip_if_no_keras()
  input <- keras_input(shape = c(NA, 16), name = "tokens")
  expect_identical(format(shape(input)), "shape(NA, NA, 16)")
  expect_error(keras_input(shape = c(2.5)), "`shape` must be a shape", fixed = TRUE)
  expect_error(keras_input(shape = 4, batch_size = 0), "`batch_size` must be a whole number >= 1", fixed = TRUE)
})

test_that("shape() prints the way R users expect", {
  skip_if_no_keras()
  expect_output(print(shape(NA, 8, 16)), "shape(NA, 8, 16)", fixed = TRUE)
  expect_identical(as.integer(shape(3, 4)), c(3L, 4L))
})

test_that("compile, fit, evaluate and predict train a model from R arrays", {
  skip_if_no_keras()
  set.seed(2)
  input <- keras_input(shape = c(6, 4))
  output <- layer_attention(list(input, input), use_scale = TRUE)
  model <- keras_model(input, output)
  expect_invisible(compile(model, optimizer = "adam", loss = "mse", metrics = "mae"))
  x <- random_array(32, 6, 4)
  history <- fit(model, x, x, epochs = 3, batch_size = 16, verbose = 0)
  expect_s3_class(history, "rkeras_history")
  expect_named(history$metrics, c("loss", "mae"))
  expect_length(history$metrics$loss, 3L)
  expect_output(print(history), "Trained 3 epochs.", fixed = TRUE)
  frame <- as.data.frame(history)
  expect_identical(nrow(frame), 6L)
  expect_identical(as.character(unique(frame$metric)), c("loss", "mae"))
  scores <- evaluate(model, x, x, verbose = 0)
  expect_type(scores, "list")
  expect_named(scores, c("loss", "mae"))
  expect_type(scores$loss, "double")
  expect_length(scores$mae, 1L)
  expected_loss <- mean((as.array(predict(model, x, verbose = 0)) - x)^2)
  expect_equal(scores$loss, expected_loss, tolerance = 1e-4)
  predictions <- predict(model, x, batch_size = 8, verbose = 0)
  expect_true(is.array(predictions))
  expect_identical(dim(predictions), c(32L, 6L, 4L))
  expect_error(fit(model, x, x, epochs = 1.5), "`epochs` must be a whole number >= 1, not the number 1.5.", fixed = TRUE)
})

test_that("model functions reject what is not a model", {
  skip_if_no_keras()
  expect_error(compile(layer_attention()), "`object` must be a Keras model", fixed = TRUE)
})

test_that("keras_model_sequential pipes into layer functions", {
  skip_if_no_keras()
  model <- keras_model_sequential(name = "piped")
  model |> layer_attention(name = "first") |> layer_attention(name = "second")
  expect_identical(vapply(model$layers, function(l) l$name, ""), c("first", "second"))
  expect_identical(model$name, "piped")
})

test_that("keras_input() and keras_model_sequential() take keras3's input arguments, checked under their own names", {
  skip_if_no_keras()
  expect_identical(
    names(formals(keras_input)),
    c("shape", "batch_size", "dtype", "sparse", "ragged", "batch_shape", "name", "tensor", "optional")
  )
  expect_identical(
    names(formals(keras_model_sequential)),
    c("input_shape", "name", "...", "input_dtype", "input_batch_size", "input_sparse", "input_ragged",
      "input_batch_shape", "input_name", "input_tensor", "input_optional", "trainable", "layers")
  )
  model <- keras_model_sequential(input_shape = 3, input_name = "features", input_batch_size = 4)
  layer_dense(model, units = 2)
  expect_identical(model$inputs[[1]]$name, "features")
  expect_identical(as.integer(shape(model$inputs[[1]])[[1]]), 4L)
  expect_identical(dim(predict(model, matrix(1, 4, 3), verbose = 0)), c(4L, 2L))
  optional <- keras_input(shape = 2, optional = TRUE, ragged = FALSE)
  expect_s3_class(optional, "keras.src.backend.common.keras_tensor.KerasTensor")
  expect_error(keras_model_sequential(input_shape = 3, input_sparse = NA),
    "`input_sparse` must be `TRUE` or `FALSE`", fixed = TRUE)
  expect_error(keras_model_sequential(input_shape = 3, input_batch_size = 0),
    "`input_batch_size` must be a whole number >= 1", fixed = TRUE)
  expect_error(keras_input(shape = 2, ragged = "no"), "`ragged` must be `TRUE` or `FALSE`", fixed = TRUE)
  expect_error(keras_model_sequential(input_tensor = "x"), "`input_tensor` must be", fixed = TRUE)
})

test_that("is_keras_available() compares the installed Keras with a version", {
  skip_if_no_keras()
  expect_true(is_keras_available())
  expect_true(is_keras_available("3.0"))
  expect_true(is_keras_available(numeric_version("3.15")))
  expect_false(is_keras_available("99.0"))
  expect_error(is_keras_available("three"), "`version` must be one version", fixed = TRUE)
  expect_error(is_keras_available(c("3.0", "3.1")), "`version` must be one version", fixed = TRUE)
})

test_that("plain R vectors are data: fit() and evaluate() take a numeric label vector", {
  skip_if_no_keras()
  set.seed(3)
  input <- keras_input(shape = 3)
  model <- keras_model(input, layer_dense(input, units = 1, activation = "sigmoid"))
  compile(model, optimizer = "adam", loss = "binary_crossentropy", metrics = "accuracy")
  x <- matrix(rnorm(60), 20, 3)
  y <- as.numeric(x[, 1] > 0)
  history <- fit(model, x, y, epochs = 2, batch_size = 10, verbose = 0, validation_data = list(x, y))
  expect_named(history$metrics, c("accuracy", "loss", "val_accuracy", "val_loss"))
  expect_named(evaluate(model, x, y, verbose = 0), c("accuracy", "loss"))
})

test_that("printing a model shows Keras's summary table", {
  skip_if_no_keras()
  query <- keras_input(shape = c(6, 4), name = "query")
  model <- keras_model(query, layer_attention(list(query, query), use_scale = TRUE, name = "attn"),
                       name = "scaled")
  lines <- format(model, line_length = 70)
  expect_type(lines, "character")
  expect_identical(lines[[1]], 'Model: "scaled"')
  expect_true(any(grepl("attn (Attention)", lines, fixed = TRUE)))
  expect_true(any(grepl("(None, 6, 4)", lines, fixed = TRUE)))
  expect_true(any(grepl("Total params: 1 (4.00 B)", lines, fixed = TRUE)))
  expect_true(all(nchar(lines) <= 70))
  expect_output(print(model), "Trainable params: 1", fixed = TRUE)
  expect_output(expect_invisible(summary(model)), "attn (Attention)", fixed = TRUE)
  expect_false(any(grepl("Trainable", format(model, show_trainable = NA)[1:6])))

  attention <- model$get_layer("attn")
  attention$trainable <- FALSE
  expect_true(any(grepl("Trainable", format(model, show_trainable = NA))))
  expect_error(format(model, show_trainable = "yes"), "`show_trainable` must be `TRUE`, `FALSE` or `NA`", fixed = TRUE)
  expect_error(format(model, line_length = -1), "`line_length` must be a whole number >= 1", fixed = TRUE)
  expect_error(format(model, line_lenght = 60), "`...` must be empty", fixed = TRUE)
  expect_error(format(model, positions = c(0.7, 0.4, 1)), "`positions` must be `NULL` or increasing fractions in (0, 1]", fixed = TRUE)
  expect_error(format(model, positions = c(0.4, NA, 1)), "`positions` must be `NULL` or increasing fractions", fixed = TRUE)
  expect_error(format(model, layer_range = "attn"), "`layer_range` must be `NULL` or two layer-name patterns, not the string \"attn\".", fixed = TRUE)
})

test_that("a model's summary is as wide as asked, with columns where asked and the layers asked for", {
  skip_if_no_keras()
  query <- keras_input(shape = c(6, 4), name = "query")
  hidden <- layer_dense(query, units = 3, name = "hidden")
  model <- keras_model(query, layer_dense(hidden, units = 2, name = "output"))
  wide <- format(model, line_length = 120)
  table <- wide[grepl("│", wide, fixed = TRUE)]
  expect_identical(unique(nchar(table)), 120L)
  expect_true(any(grepl("Param #", wide, fixed = TRUE)))
  # The second column starts where the first ends: 0.2 x 60 = 12 characters
  # further right at 0.5 than at 0.3.
  second_column <- function(first_end) {
    lines <- format(model, line_length = 60, positions = c(first_end, 0.8, 1))
    regexpr("Output Shape", lines[grepl("Layer (type)", lines, fixed = TRUE)], fixed = TRUE)[[1]]
  }
  expect_identical(second_column(0.5) - second_column(0.3), 12L)
  only_hidden <- format(model, layer_range = c("hidden", "hidden"))
  expect_true(any(grepl("hidden (Dense)", only_hidden, fixed = TRUE)))
  expect_false(any(grepl("output (Dense)", only_hidden, fixed = TRUE)))
})

test_that("a model restored from a saved R session prints without touching Python", {
  skip_if_no_keras()
  query <- keras_input(shape = 3)
  model <- keras_model(query, layer_dense(query, units = 1))
  restored <- unserialize(serialize(model, NULL))
  expect_true(reticulate::py_is_null_xptr(restored))
  expect_identical(format(restored), "<Keras model: its Python session has ended>")
  expect_output(print(restored), "its Python session has ended", fixed = TRUE)
})

test_that("rkeras's methods are on Keras's classes: a scikit-learn model keeps its own predict()", {
  skip_if_no_keras()
  skip_if_not(reticulate::py_module_available("sklearn"), "scikit-learn is not available")
  linear_model <- reticulate::import("sklearn.linear_model")
  x <- matrix(c(1, 2, 3, 4, 2, 1, 0, 5), 4)
  y <- c(3, 1, 2, 7)
  skl <- linear_model$LinearRegression()$fit(x, y)
  # No rkeras method sits anywhere on its class vector ...
  for (generic in c("compile", "fit", "evaluate", "predict", "summary", "print", "format", "as.array", "dim")) {
    found <- lapply(class(skl), utils::getS3method, f = generic, optional = TRUE)
    from_rkeras <- vapply(found, function(f) identical(environmentName(environment(f)), "rkeras"), TRUE)
    expect_false(any(from_rkeras), label = paste(generic, "for a scikit-learn model"))
  }
  # ... so R treats it as it would without rkeras: no method for predict(),
  # rather than rkeras's "must be a Keras model", and its own methods work.
  err <- expect_error(predict(skl, x))
  expect_match(conditionMessage(err), "no applicable method for 'predict'", fixed = TRUE)
  expect_false(inherits(err, "rkeras_arg_error"))
  expect_error(fit(skl, x, y), "no applicable method for 'fit'", fixed = TRUE)
  expect_null(dim(skl))
  design <- cbind(1, x)
  expected <- drop(design %*% solve(crossprod(design), crossprod(design, y)))
  expect_equal(as.numeric(skl$predict(x)), expected, tolerance = 1e-8)

  # Keras's models and tensors get rkeras's methods.
  input <- keras_input(shape = 2)
  model <- keras_model(input, layer_dense(input, units = 1))
  for (generic in c("compile", "fit", "evaluate", "predict", "summary", "print", "format")) {
    method <- utils::getS3method(generic, "keras.src.models.model.Model", optional = TRUE)
    expect_identical(environmentName(environment(method)), "rkeras", label = generic)
  }
  expect_true(is.array(predict(model, x, verbose = 0)))
  expect_identical(dim(predict(model, x, verbose = 0)), c(4L, 1L))
  expect_error(predict(layer_attention(), x), "`object` must be a Keras model", fixed = TRUE)
})

test_that("as.array() and dim() work on eager tensors, variables and symbolic tensors", {
  skip_if_no_keras()
  keras <- reticulate::import("keras")
  eager <- keras$ops$reshape(keras$ops$arange(6), c(2L, 3L))
  expect_true(inherits(eager, "tensorflow.python.types.core.Tensor"))
  expect_identical(dim(eager), c(2L, 3L))
  expect_equal(as.array(eager), matrix(0:5, 2, byrow = TRUE))
  variable <- keras$Variable(matrix(c(1, 2, 3, 4), 2))
  expect_true(inherits(variable, "keras.src.backend.common.variables.Variable"))
  expect_identical(dim(variable), c(2L, 2L))
  expect_equal(as.array(variable), matrix(c(1, 2, 3, 4), 2))
  symbolic <- keras_input(shape = c(NA, 4))
  expect_identical(dim(symbolic), c(NA, NA, 4L))
  expect_error(as.array(symbolic), "`x` is a symbolic tensor: it has a shape, shape(NA, NA, 4), but no values.",
    fixed = TRUE, class = "rkeras_arg_error"
  )
})

test_that("a data frame of numeric columns is a matrix for fit(), evaluate() and predict()", {
  skip_if_no_keras()
  set.seed(5)
  frame <- data.frame(a = rnorm(12), b = 1:12 / 12, c = rnorm(12))
  input <- keras_input(shape = 3)
  model <- keras_model(input, layer_dense(input, units = 2))
  compile(model, optimizer = "adam", loss = "mse")
  targets <- data.frame(u = rnorm(12), v = rnorm(12))
  history <- fit(model, frame, targets, epochs = 2, batch_size = 6, verbose = 0,
                 validation_data = list(frame, targets))
  expect_named(history$metrics, c("loss", "val_loss"))
  from_frame <- predict(model, frame, verbose = 0)
  expect_identical(from_frame, predict(model, as.matrix(frame), verbose = 0))
  expect_identical(dim(from_frame), c(12L, 2L))
  expect_equal(evaluate(model, frame, targets, verbose = 0)$loss,
               mean((from_frame - as.matrix(targets))^2), tolerance = 1e-5)

  mixed <- data.frame(a = 1:3, species = factor(c("x", "y", "x")), label = c("p", "q", "r"), ok = TRUE)
  err <- expect_error(fit(model, mixed, targets[1:3, ], verbose = 0), class = "rkeras_data_frame_error")
  expect_match(conditionMessage(err), "`x` must be a data frame of numeric columns", fixed = TRUE)
  expect_match(conditionMessage(err), "Columns `species` <factor>, `label` <character>, and `ok` <logical> are not numeric.", fixed = TRUE)
  expect_match(conditionMessage(err), "model.matrix()", fixed = TRUE)
  expect_error(predict(model, list(mixed), verbose = 0), "`x[[1]]` must be a data frame of numeric columns", fixed = TRUE)
  expect_error(evaluate(model, frame, data.frame(when = Sys.Date() + 1:12), verbose = 0),
               "Column `when` <Date> is not numeric.", fixed = TRUE)
  expect_error(predict(model, frame[, 0], verbose = 0), "`x` must be a data frame with at least one column", fixed = TRUE)
})

test_that("after a first fit() fails part-way, the model trains once the data are fixed", {
  skip_if_no_keras()
  set.seed(6)
  x <- matrix(rnorm(40), 10, 4)
  input <- keras_input(shape = 4)
  model <- keras_model(input, layer_dense(input, units = 2))
  compile(model, optimizer = "adam", loss = "mse", metrics = "mae")
  wrong <- matrix(rnorm(50), 10, 5)
  err <- expect_error(fit(model, x, wrong, verbose = 0), class = "rkeras_python_ValueError")
  expect_match(conditionMessage(err), "Dimensions must be equal", fixed = TRUE)
  expect_match(conditionMessage(err), "rkeras compiled the model again", fixed = TRUE)
  expect_no_match(conditionMessage(err), "Traceback", fixed = TRUE)
  history <- fit(model, x, x[, 1:2], epochs = 2, verbose = 0)
  expect_named(history$metrics, c("loss", "mae"))
  expect_length(history$metrics$loss, 2L)
  # The same for evaluate() before any training.
  fresh <- keras_model(input, layer_dense(input, units = 2))
  compile(fresh, optimizer = "adam", loss = "mse")
  expect_error(evaluate(fresh, x, wrong, verbose = 0), "rkeras compiled the model again", fixed = TRUE)
  expect_named(evaluate(fresh, x, x[, 1:2], verbose = 0), "loss")
  # A failure outside rkeras (Keras's own fit()) shows at the next call, which
  # says what happened and repairs the model.
  direct <- keras_model(input, layer_dense(input, units = 2))
  compile(direct, optimizer = "adam", loss = "mse")
  expect_error(direct$fit(x, wrong, verbose = 0L))
  err <- expect_error(fit(direct, x, x[, 1:2], verbose = 0), class = "rkeras_python_error")
  expect_match(conditionMessage(err), "An earlier call failed part-way", fixed = TRUE)
  expect_match(conditionMessage(err), "rkeras compiled the model again", fixed = TRUE)
  expect_s3_class(fit(direct, x, x[, 1:2], verbose = 0), "rkeras_history")

  # A model whose layers the failed call built cannot be saved: say so.
  sequential <- keras_model_sequential()
  sequential |> layer_dense(units = 2)
  compile(sequential, optimizer = "adam", loss = "mse")
  err <- expect_error(fit(sequential, x, wrong, verbose = 0), class = "rkeras_python_error")
  expect_match(conditionMessage(err), "could not set their weights, so this model cannot be used", fixed = TRUE)
  expect_match(conditionMessage(err), "keras_model_sequential(input_shape = 4)", fixed = TRUE)
})

test_that("progress: one line per epoch into a file, Keras's bar in a terminal", {
  skip_if_no_keras()
  skip_on_cran()
  script <- tempfile(fileext = ".R")
  writeLines(c(
    "library(rkeras)",
    "input <- keras_input(shape = 3)",
    "model <- keras_model(input, layer_dense(input, units = 1))",
    "compile(model, optimizer = 'adam', loss = 'mse')",
    "x <- matrix(runif(60), 20, 3)",
    "history <- fit(model, x, x[, 1], epochs = 2, batch_size = 5)",
    "scores <- evaluate(model, x, x[, 1])",
    "predictions <- predict(model, x)",
    "cat('done\\n')"
  ), script)
  rscript <- file.path(R.home("bin"), "Rscript")
  log <- tempfile(fileext = ".log")
  errors <- tempfile(fileext = ".log")
  status <- system2(rscript, script, stdout = log, stderr = errors)
  # Read whole: readLines() would take carriage returns for line ends.
  raw_output <- readChar(log, file.size(log), useBytes = TRUE)
  output <- readLines(log, warn = FALSE)
  expect_identical(status, 0L, info = paste(readLines(errors), collapse = "\n"))
  expect_false(grepl("\033[", raw_output, fixed = TRUE), info = raw_output)
  expect_false(grepl("\r", raw_output, fixed = TRUE))
  # One line per epoch, as with verbose = 2.
  expect_identical(sum(grepl("^Epoch [12]/2$", output)), 2L)
  expect_identical(sum(grepl("^4/4 - .*loss: ", output)), 2L)
  expect_true("done" %in% output)

  # In a terminal, the default is Keras's progress bar. `script` gives the
  # child a pseudo-terminal.
  skip_if(!nzchar(Sys.which("script")), "`script` (util-linux) is not available")
  tty_log <- tempfile(fileext = ".log")
  command <- paste(shQuote(rscript), shQuote(script))
  status <- system2("script", c("-qec", shQuote(command), shQuote(tty_log)),
    stdout = FALSE, stderr = FALSE, env = "TERM=xterm-256color"
  )
  tty_output <- readChar(tty_log, file.size(tty_log), useBytes = TRUE)
  expect_identical(status, 0L, info = tty_output)
  # The bar redraws itself in place, in colour.
  expect_true(grepl("\033[32m", tty_output, fixed = TRUE), info = tty_output)
  expect_true(grepl("\r\033[1m4/4", tty_output, fixed = TRUE))
})

test_that("the history is a keras3-shaped data frame, and plots with ggplot2 or base graphics", {
  skip_if_no_keras()
  set.seed(5)
  model <- keras_model_sequential(input_shape = 2)
  layer_dense(model, 1)
  compile(model, optimizer = "sgd", loss = "mse", metrics = "mae")
  x <- matrix(runif(40), ncol = 2)
  history <- fit(model, x, rowSums(x), epochs = 3, validation_split = 0.25, verbose = 0)
  frame <- as.data.frame(history)
  expect_named(frame, c("epoch", "value", "metric", "data"))
  expect_identical(nrow(frame), 12L)
  expect_identical(levels(frame$metric), c("loss", "mae"))
  expect_identical(levels(frame$data), c("training", "validation"))
  expect_equal(frame$value[frame$metric == "loss" & frame$data == "validation"], history$metrics$val_loss)
  expect_identical(frame$epoch[1:3], 1:3)
  skip_if_not_installed("ggplot2")
  plot <- plot(history)
  expect_s3_class(plot, "ggplot")
  expect_identical(nrow(plot$data), 12L)
  only_loss <- plot(history, metrics = "loss")
  expect_identical(as.character(unique(only_loss$data$metric)), "loss")
  device <- tempfile(fileext = ".png")
  grDevices::png(device)
  expect_identical(plot(history, method = "base"), history)
  grDevices::dev.off()
  expect_gt(file.size(device), 1000)
  expect_error(plot(history, metrics = "acc"), "`metrics` must be names of metrics in the history (\"loss\", \"mae\")", fixed = TRUE, class = "rkeras_arg_error")
  expect_error(plot(history, method = "lattice"), "must be one of")
})

test_that("callbacks may be one callback or a list, and anything else is refused by name", {
  skip_if_no_keras()
  model <- keras_model_sequential(input_shape = 2)
  layer_dense(model, 1)
  compile(model, optimizer = "sgd", loss = "mse")
  x <- matrix(runif(20), ncol = 2)
  epochs_seen <- 0L
  counter <- py_keras()$callbacks$LambdaCallback(on_epoch_end = function(epoch, logs) epochs_seen <<- epochs_seen + 1L)
  fit(model, x, rowSums(x), epochs = 2, callbacks = counter, verbose = 0)
  expect_identical(epochs_seen, 2L)
  fit(model, x, rowSums(x), epochs = 1, callbacks = list(counter, NULL), verbose = 0)
  expect_identical(epochs_seen, 3L)
  expect_error(fit(model, x, rowSums(x), callbacks = "a", verbose = 0), "`callbacks` must be a Keras callback or a list of them or `NULL`, not the string \"a\"", fixed = TRUE, class = "rkeras_arg_error")
  expect_error(predict(model, x, callbacks = list(counter, 1), verbose = 0), "`callbacks[[2]]` must be a Keras callback", fixed = TRUE, class = "rkeras_arg_error")
})
