# The model helpers (get_weights() to clear_session()) on small real models,
# and one bad value each, with its exact message.

small_model <- function() {
  model <- keras_model_sequential(input_shape = 3)
  layer_dense(model, units = 4, name = "hidden")
  layer_dense(model, units = 2, name = "middle")
  layer_dense(model, units = 1, name = "output")
  model
}

trainable_flags <- function(model) {
  vapply(model$layers, function(layer) layer$trainable, logical(1))
}

test_that("get_weights() and set_weights() move R arrays", {
  skip_if_no_keras()
  model <- small_model()
  weights <- get_weights(model)
  expect_length(weights, 6)
  expect_equal(dim(weights[[1]]), c(3, 4))
  expect_true(is.numeric(weights[[2]]))
  weights[[1]][] <- seq_len(12) / 10
  weights[[2]] <- c(1, 2, 3, 4)
  expect_identical(set_weights(model, weights), model)
  again <- get_weights(model)
  expect_equal(again[[1]], matrix(seq_len(12) / 10, 3), tolerance = 1e-6, ignore_attr = TRUE)
  expect_equal(as.vector(again[[2]]), c(1, 2, 3, 4))
  freeze_weights(model, from = "middle")
  expect_length(get_weights(model, trainable = TRUE), 2)
  expect_length(get_weights(model, trainable = FALSE), 4)
  expect_error(get_weights(model, trainable = "yes"),
    '`trainable` must be `TRUE`, `FALSE` or `NA`, not the string "yes".', fixed = TRUE)
  expect_error(set_weights(model, 1:3),
    "`weights` must be a list of R arrays, not a integer vector of length 3.", fixed = TRUE)
  expect_error(set_weights(model, weights[1:2]), class = "rkeras_python_error")
})

test_that("freeze_weights() and unfreeze_weights() follow from, to and which", {
  skip_if_no_keras()
  model <- small_model()
  freeze_weights(model)
  expect_false(model$trainable)
  unfreeze_weights(model)
  expect_true(model$trainable)
  expect_equal(trainable_flags(model), c(TRUE, TRUE, TRUE))
  freeze_weights(model, from = "hidden", to = 2)
  expect_equal(trainable_flags(model), c(FALSE, FALSE, TRUE))
  freeze_weights(model, from = -1)
  expect_equal(trainable_flags(model), c(TRUE, TRUE, FALSE))
  unfreeze_weights(model, to = "middle")
  expect_equal(trainable_flags(model), c(TRUE, TRUE, FALSE))
  freeze_weights(model, which = "middle")
  expect_equal(trainable_flags(model), c(TRUE, FALSE, TRUE))
  unfreeze_weights(model, which = ~ .x$name == "output")
  expect_equal(trainable_flags(model), c(FALSE, FALSE, TRUE))
  expect_equal(count_params(model), 16 + 10 + 3)
  expect_length(model$trainable_weights, 2)
  expect_error(freeze_weights(model, from = 4),
    "`from` must be a layer name or a whole number from 1 to 3 (or -3 to -1), not the number 4.", fixed = TRUE)
  expect_error(freeze_weights(model, to = "nope"),
    '`to` must be the name of a layer of `object`; there is no layer "nope".', fixed = TRUE)
  expect_error(unfreeze_weights(model, which = 7),
    "`which` must be layer names, indices from 1 to 3, 3 logical values, or a function of a layer, not the number 7.", fixed = TRUE)
  expect_error(freeze_weights(model, from = 1, which = 2),
    "Supply either `which` or `from`/`to`, not both.", fixed = TRUE)
})

test_that("save_model_weights() and load_model_weights() round-trip the weights", {
  skip_if_no_keras()
  model <- small_model()
  path <- tempfile(fileext = ".weights.h5")
  expect_identical(save_model_weights(model, path), model)
  expect_true(file.exists(path))
  copy <- clone_model(model)
  expect_false(isTRUE(all.equal(get_weights(copy), get_weights(model))))
  load_model_weights(copy, path)
  expect_equal(get_weights(copy), get_weights(model))
  expect_error(save_model_weights(model, path), "already exists", class = "rkeras_arg_error")
  save_model_weights(model, path, overwrite = TRUE)
  expect_error(save_model_weights(model, path, overwrite = "yes"),
    '`overwrite` must be `TRUE` or `FALSE`, not the string "yes".', fixed = TRUE)
  expect_error(load_model_weights(copy, path, skip_mismatch = NA),
    "`skip_mismatch` must be `TRUE` or `FALSE`, not `NA`.", fixed = TRUE)
  expect_error(load_model_weights(copy, tempfile(fileext = ".weights.h5")),
    "`filepath` must be an existing weights file", fixed = TRUE)
})

test_that("save_model_weights() shards the weights with max_shard_size, and load_model_weights() reads them back", {
  skip_if_no_keras()
  model <- keras_model_sequential(input_shape = 32)
  layer_dense(model, units = 32)
  layer_dense(model, units = 32)
  dir <- tempfile("shards")
  dir.create(dir)
  on.exit(unlink(dir, recursive = TRUE), add = TRUE)
  path <- file.path(dir, "model.weights.json")
  save_model_weights(model, path, max_shard_size = 5e-6)
  expect_gt(length(list.files(dir, pattern = "\\.weights\\.h5$")), 1L)
  copy <- clone_model(model)
  load_model_weights(copy, path)
  expect_equal(get_weights(copy), get_weights(model))
  expect_error(save_model_weights(model, path, overwrite = TRUE, max_shard_size = 0),
    "`max_shard_size` must be a number > 0", fixed = TRUE)
})

test_that("get_layer(), pop_layer(), clone_model() and count_params() work on a model", {
  skip_if_no_keras()
  model <- small_model()
  expect_equal(get_layer(model, "middle")$name, "middle")
  expect_equal(get_layer(model, index = 1)$name, "hidden")
  expect_equal(get_layer(model, index = 3)$name, "output")
  expect_equal(count_params(model), 16 + 10 + 3)
  expect_equal(count_params(get_layer(model, "hidden")), 16)
  copy <- clone_model(model, clone_function = function(layer) {
    if (layer$name == "middle") layer else layer$`__class__`$from_config(layer$get_config())
  })
  expect_equal(count_params(copy), count_params(model))
  # The clone_function kept the "middle" layer itself, so its weights are shared.
  expect_true(reticulate::py_id(get_layer(copy, "middle")) == reticulate::py_id(get_layer(model, "middle")))
  expect_false(reticulate::py_id(get_layer(copy, "hidden")) == reticulate::py_id(get_layer(model, "hidden")))
  expect_identical(pop_layer(copy), copy)
  expect_length(copy$layers, 2)
  expect_equal(dim(predict(copy, matrix(1, 2, 3), verbose = 0)), c(2, 2))
  expect_length(model$layers, 3)
  expect_error(get_layer(model, index = 4),
    "`index` must be a whole number in [1, 3] or `NULL`, not the number 4.", fixed = TRUE)
  expect_error(get_layer(model), "Supply exactly one of `name` and `index`.", fixed = TRUE)
  expect_error(get_layer(model, "nope"), class = "rkeras_python_error")
  input <- keras_input(shape = 3)
  functional <- keras_model(input, layer_dense(input, units = 1))
  expect_error(pop_layer(functional), "`object` must be a sequential Keras model", fixed = TRUE)
  expect_error(pop_layer(copy, rebuild = 1),
    "`rebuild` must be `TRUE` or `FALSE`, not the number 1.", fixed = TRUE)
  expect_error(clone_model(model, clone_function = "layer"),
    '`clone_function` must be a function or `NULL`, not the string "layer".', fixed = TRUE)
  expect_error(count_params(42), "`object` must be a Keras layer or model, not the number 42.", fixed = TRUE)
})

test_that("train_on_batch(), test_on_batch() and predict_on_batch() run one batch", {
  skip_if_no_keras()
  set_random_seed(1)
  model <- small_model()
  compile(model, optimizer = "sgd", loss = "mse", metrics = "mae")
  x <- matrix(runif(24), 8)
  y <- rowSums(x)
  before <- test_on_batch(model, x, y)
  expect_named(before, c("loss", "mae"), ignore.order = TRUE)
  expect_equal(before$loss, mean((predict_on_batch(model, x) - y)^2), tolerance = 1e-5)
  trained <- train_on_batch(model, as.data.frame(x), y, sample_weight = rep(1, 8))
  expect_named(trained, c("loss", "mae"), ignore.order = TRUE)
  expect_equal(trained$loss, before$loss, tolerance = 1e-5)
  after <- test_on_batch(model, x, y)
  expect_lt(after$loss, before$loss)
  prediction <- predict_on_batch(model, x)
  expect_true(is.array(prediction) && is.numeric(prediction))
  expect_equal(dim(prediction), c(8, 1))
  expect_equal(prediction, predict(model, x, verbose = 0), tolerance = 1e-6)
  expect_error(train_on_batch(model, data.frame(a = "x"), y),
    "`x` must be a data frame of numeric columns", fixed = TRUE)
  expect_error(test_on_batch(model, x, matrix(0, 8, 5)), class = "rkeras_python_error")
  expect_identical(names(formals(test_on_batch)), c("object", "x", "y", "sample_weight", "..."))
  expect_error(test_on_batch(model, x, y, return_dict = FALSE), class = "rlib_error_dots_nonempty")
  expect_error(predict_on_batch(layer_dense(units = 1), x), "`object` must be a Keras model", fixed = TRUE)
})

test_that("to_categorical() counts labels from 0 and returns an R matrix", {
  skip_if_no_keras()
  expect_identical(to_categorical(c(0, 2, 1)), diag(3)[c(1, 3, 2), ])
  one_hot <- to_categorical(c(1L, 0L), num_classes = 4)
  expect_identical(one_hot, rbind(c(0, 1, 0, 0), c(1, 0, 0, 0)))
  expect_error(to_categorical(c(1, -1)),
    "`x` must be a vector of whole numbers from 0, not a double vector of length 2.", fixed = TRUE)
  expect_error(to_categorical(c(0, 3), num_classes = 2),
    "`num_classes` must be a whole number >= 4 or `NULL`, not the number 2.", fixed = TRUE)
})

test_that("set_random_seed() makes weights and R's numbers reproducible; clear_session() resets names", {
  skip_if_no_keras()
  set_random_seed(7)
  first <- get_weights(small_model())
  r_first <- runif(1)
  set_random_seed(7)
  expect_equal(get_weights(small_model()), first)
  expect_equal(runif(1), r_first)
  expect_error(set_random_seed(-1), "`seed` must be a whole number >= 0, not the number -1.", fixed = TRUE)
  clear_session()
  expect_equal(layer_dense(units = 1)$name, "dense")
  expect_equal(layer_dense(units = 1)$name, "dense_1")
  clear_session(free_memory = FALSE)
  expect_equal(layer_dense(units = 1)$name, "dense")
  expect_error(clear_session(free_memory = "no"),
    '`free_memory` must be `TRUE` or `FALSE`, not the string "no".', fixed = TRUE)
})

test_that("export_savedmodel() writes a SavedModel that layer_tfsm() serves with the same outputs", {
  skip_if_no_keras()
  model <- small_model()
  path <- tempfile("savedmodel-")
  expect_identical(export_savedmodel(model, path, verbose = FALSE), model)
  expect_true(file.exists(file.path(path, "saved_model.pb")))
  served <- layer_tfsm(filepath = path)
  expect_true(is_instance(served, "keras.layers.TFSMLayer"))
  x <- matrix(runif(12), ncol = 3)
  expect_equal(as.array(served(x)), predict(model, x, verbose = 0), tolerance = 1e-6)
  # As a layer of a new model, composed like any other wrapper.
  input <- keras_input(shape = 3)
  wrapped <- keras_model(input, layer_tfsm(input, filepath = path))
  expect_equal(predict(wrapped, x, verbose = 0), predict(model, x, verbose = 0), tolerance = 1e-6)
  expect_error(export_savedmodel(model, 3), "`export_dir_base` must be a single string", class = "rkeras_arg_error")
  expect_error(export_savedmodel(model, path, format = "h5"), "`format` must be one of", class = "rkeras_arg_error")
  expect_error(export_savedmodel("model", path), "`object`", class = "rkeras_arg_error")
  expect_error(layer_tfsm(filepath = file.path(path, "missing")), class = "rkeras_python_error")
})
