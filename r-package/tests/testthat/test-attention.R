# layer_attention() against an R computation of softmax(QK')V.

test_that("constructor arguments are validated before Python sees them", {
  expect_error(layer_attention(score_mode = "cosine"), "`score_mode` must be one of \"dot\", \"concat\", not the string \"cosine\".", fixed = TRUE)
  expect_error(layer_attention(dropout = 1), "`dropout` must be a number in [0, 1), not the number 1.", fixed = TRUE)
  expect_error(layer_attention(use_scale = "TRUE"), "`use_scale` must be `TRUE` or `FALSE`", fixed = TRUE)
  expect_error(layer_attention(seed = 4.2), "`seed` must be a whole number or `NULL`, not the number 4.2.", fixed = TRUE)
  expect_error(layer_attention(seed = 4.2), class = "rkeras_arg_error")
})

test_that("seed = 42, a double, is accepted as Python int", {
  skip_if_no_keras()
  layer <- layer_attention(seed = 42, dropout = 0.1)
  expect_identical(layer$get_config()$seed, 42L)
})

test_that("values match softmax(QK')V, with a value mask and the causal mask", {
  skip_if_no_keras()
  set.seed(1)
  query <- random_array(2, 4, 3)
  value <- random_array(2, 4, 3)
  value_mask <- matrix(c(TRUE, TRUE, FALSE, TRUE, TRUE, FALSE, TRUE, TRUE), 2, byrow = TRUE)
  out <- layer_attention(list(query, value),
    mask = list(NULL, value_mask), use_causal_mask = TRUE,
    return_attention_scores = TRUE
  )
  expected <- r_attention(query, value, value_mask = value_mask, causal = TRUE)
  expect_equal(as.array(out[[1]]), expected$output, tolerance = 1e-5)
  expect_equal(as.array(out[[2]]), expected$weights, tolerance = 1e-5)
})

test_that("the query mask zeroes output rows", {
  skip_if_no_keras()
  query <- random_array(1, 3, 2)
  query_mask <- matrix(c(TRUE, FALSE, TRUE), 1)
  out <- as.array(layer_attention(list(query, query), mask = list(query_mask, NULL)))
  expect_equal(out[1, 2, ], c(0, 0))
  expect_false(all(out[1, 1, ] == 0))
})

test_that("dropout applies only in training, reproducibly for a seed", {
  skip_if_no_keras()
  query <- random_array(2, 16, 4)
  layer <- layer_attention(dropout = 0.5, seed = 7)
  inference <- as.array(layer(list(query, query), return_attention_scores = TRUE)[[2]])
  expect_equal(inference, r_attention(query, query)$weights, tolerance = 1e-5)
  trained <- as.array(layer(list(query, query), training = TRUE, return_attention_scores = TRUE)[[2]])
  expect_true(any(trained == 0))
  again <- as.array(layer_attention(dropout = 0.5, seed = 7)(list(query, query),
    training = TRUE, return_attention_scores = TRUE
  )[[2]])
  expect_equal(again, trained)
})

test_that("concat scoring runs and has its trainable weight", {
  skip_if_no_keras()
  query <- random_array(1, 3, 2)
  layer <- layer_attention(score_mode = "concat", use_scale = TRUE)
  out <- layer(list(query, query))
  expect_identical(dim(as.array(out)), c(1L, 3L, 2L))
  names <- vapply(layer$weights, function(w) w$path, "")
  expect_identical(sub(".*/", "", names), c("scale", "concat_score_weight"))
})

test_that("Python errors surface as one R error naming the input, without a traceback", {
  skip_if_no_keras()
  query <- random_array(1, 3, 2)
  key <- random_array(1, 3, 5)
  err <- expect_error(layer_attention(list(query, query, key)), class = "rkeras_python_error")
  expect_match(conditionMessage(err), "ValueError", fixed = TRUE)
  expect_no_match(conditionMessage(err), "Traceback", fixed = TRUE)
  expect_identical(deparse(err$call[[1]]), "layer_attention")
})

test_that("a model with layer_attention saves and reloads in a fresh R session", {
  skip_if_no_keras()
  skip_on_cran()
  query <- keras_input(shape = c(4, 3))
  value <- keras_input(shape = c(5, 3))
  model <- keras_model(list(query, value), layer_attention(list(query, value), use_scale = TRUE, score_mode = "concat"))
  path <- tempfile(fileext = ".keras")
  save_model(model, path)
  x <- list(random_array(2, 4, 3), random_array(2, 5, 3))
  expected <- predict(model, x, verbose = 0)
  inputs <- tempfile(fileext = ".rds")
  saveRDS(list(path = path, x = x), inputs)
  script <- tempfile(fileext = ".R")
  writeLines(c(
    "library(rkeras)",
    sprintf("args <- readRDS('%s')", inputs),
    "model <- load_model(args$path)",
    sprintf("saveRDS(predict(model, args$x, verbose = 0), '%s')", paste0(inputs, ".out"))
  ), script)
  output <- suppressWarnings(system2(file.path(R.home("bin"), "Rscript"), script, stdout = TRUE, stderr = TRUE))
  expect_null(attr(output, "status"), info = paste(output, collapse = "\n"))
  expect_equal(readRDS(paste0(inputs, ".out")), expected, tolerance = 1e-6)
  expect_error(save_model(model, path), "already exists", fixed = TRUE)
})

test_that("values match with Tq != Tv, a separate key, and the causal mask aligned top-left", {
  skip_if_no_keras()
  set.seed(4)
  query <- random_array(2, 3, 4)
  value <- random_array(2, 5, 6)
  key <- random_array(2, 5, 4)
  value_mask <- matrix(c(TRUE, TRUE, TRUE, FALSE, TRUE, FALSE, TRUE, TRUE, TRUE, TRUE), 2, byrow = TRUE)
  out <- layer_attention(list(query, value, key),
    mask = list(NULL, value_mask), use_causal_mask = TRUE, return_attention_scores = TRUE
  )
  expected <- r_attention(query, value, key, value_mask = value_mask, causal = TRUE)
  expect_identical(dim(as.array(out[[1]])), c(2L, 3L, 6L))
  expect_equal(as.array(out[[1]]), expected$output, tolerance = 1e-5)
  expect_equal(as.array(out[[2]]), expected$weights, tolerance = 1e-5)
  # Top-left alignment: query i sees values 1..i, whatever Tv is (in batch 2
  # the first query row is fully masked, so uniform).
  expect_true(all(as.array(out[[2]])[1, 1, 2:5] == 0))
})

test_that("a mask of the wrong length is one clear error naming the mask", {
  skip_if_no_keras()
  query <- random_array(2, 3, 4)
  err <- expect_error(
    layer_attention(list(query, query), mask = list(matrix(TRUE, 2, 4), NULL)),
    "query_mask of shape (batch..., 3)", fixed = TRUE, class = "rkeras_python_ValueError"
  )
  expect_no_match(conditionMessage(err), "Arguments received", fixed = TRUE)
  expect_error(
    layer_attention(list(query, query), mask = list(matrix(TRUE, 3, 3), NULL)),
    "query_mask with the batch size of query.shape=(2, 3, 4)", fixed = TRUE,
    class = "rkeras_python_ValueError"
  )
  expect_error(
    layer_attention(list(query, random_array(3, 3, 4))),
    "same batch dimensions", fixed = TRUE, class = "rkeras_python_ValueError"
  )
})

test_that("the layer is a keras.layers.Attention, for R class checks and Python isinstance", {
  skip_if_no_keras()
  layer <- layer_attention()
  # Its class names itself by the public path saved files give it.
  expect_identical(class(layer)[[1]], "keras.layers.Attention")
  expect_s3_class(layer, "keras.src.layers.attention.attention.Attention")
  expect_s3_class(layer, "keras.src.layers.layer.Layer")
  keras <- reticulate::import("keras")
  expect_true(reticulate::import_builtins()$isinstance(layer, keras$layers$Attention))
})

test_that("concat scores of integer tensors are those of the doubles, not truncated", {
  skip_if_no_keras()
  query <- array(c(-3L, 2L, 0L, 1L, 1L, -2L), c(1, 3, 2))
  value <- array(c(2L, -1L, 0L, 3L), c(1, 2, 2))
  # R integer arrays become doubles in the wrapper; NumPy int32 arrays reach
  # the layer as they are.
  int32 <- lapply(list(query, value), reticulate::np_array, dtype = "int32")
  from_int32 <- as.array(layer_attention(int32, score_mode = "concat"))
  from_doubles <- as.array(layer_attention(list(query, value), score_mode = "concat"))
  expect_identical(from_int32, from_doubles)
  # By hand: scores sum_d tanh(q + k), then softmax over the values.
  scores <- outer(1:3, 1:2, Vectorize(function(i, j) sum(tanh(query[1, i, ] + value[1, j, ]))))
  weights <- exp(scores) / rowSums(exp(scores))
  expect_equal(from_doubles[1, , ], weights %*% value[1, , ], tolerance = 1e-5)
})
