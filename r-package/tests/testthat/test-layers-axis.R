# Axes count from 1 as in R (keras3's convention); the wrappers hand Python
# its 0-based counting.

test_that("layer_concatenate(axis = 2) joins R arrays along their second axis", {
  skip_if_no_keras()
  a <- array(1:20, dim = c(2, 2, 5))
  b <- array(21:30, dim = c(2, 1, 5))
  joined <- as.array(layer_concatenate(list(a, b), axis = 2))
  expect_identical(dim(joined), c(2L, 3L, 5L))
  expect_equal(joined[, 1:2, ], a, ignore_attr = TRUE)
  expect_equal(joined[, 3, ], b[, 1, ], ignore_attr = TRUE)
  expect_identical(dim(as.array(layer_concatenate(list(a, a), axis = 1))), c(4L, 2L, 5L))
  expect_identical(dim(as.array(layer_concatenate(list(a, a)))), c(2L, 2L, 10L))
  expect_identical(dim(as.array(layer_concatenate(list(a, a), axis = -2))), c(2L, 4L, 5L))
})

test_that("an axis of 0 stops in R, naming the argument", {
  expect_error(layer_concatenate(axis = 0), "`axis` must be a non-zero whole number", fixed = TRUE)
  expect_error(layer_layer_normalization(axis = c(2, 0)), "`axis` must be a non-zero whole number", fixed = TRUE)
})

test_that("layer_layer_normalization(axis = -1) normalizes each row", {
  skip_if_no_keras()
  x <- array(c(1, 2, 3, 10, 20, 30), dim = c(2, 3))
  y <- as.array(layer_layer_normalization(x, axis = -1))
  expect_identical(dim(y), c(2L, 3L))
  expect_equal(rowMeans(y), c(0, 0), tolerance = 1e-5)
  expect_equal(apply(y, 1, function(row) mean(row^2)), c(1, 1), tolerance = 1e-2)
})

test_that("layer_layer_normalization takes several axes counted from 1", {
  skip_if_no_keras()
  layer <- layer_layer_normalization(axis = c(2, 3))
  expect_identical(unlist(reticulate::iterate(layer$axis)), c(1L, 2L))
  x <- array(stats::runif(2 * 3 * 4), dim = c(2, 3, 4))
  y <- as.array(layer(x))
  expect_identical(dim(y), c(2L, 3L, 4L))
  expect_equal(apply(y, 1, mean), c(0, 0), tolerance = 1e-5)
})

test_that("layer_multi_head_attention counts attention_axes from 1", {
  skip_if_no_keras()
  layer <- layer_multi_head_attention(num_heads = 1, key_dim = 2, attention_axes = 2)
  expect_identical(unlist(reticulate::iterate(reticulate::py_get_attr(layer, "_attention_axes"))), 1L)
  x <- random_array(1, 3, 4, 2)
  y <- layer_multi_head_attention(list(x, x), num_heads = 1, key_dim = 2, attention_axes = c(2, 3))
  expect_identical(dim(as.array(y)), c(1L, 3L, 4L, 2L))
})
