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
