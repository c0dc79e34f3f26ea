# The synthetic data generators are plain R: none of these tests needs Python.

test_that("synthetic_token_match() returns matrices and vectors of the documented shapes", {
  data <- synthetic_token_match(50, query_length = 6, value_length = 12, vocab_size = 30, seed = 1)
  expect_named(data, c("query", "value", "label", "position", "match"))
  expect_identical(dim(data$query), c(50L, 6L))
  expect_identical(dim(data$value), c(50L, 12L))
  expect_true(is.integer(data$query) && is.integer(data$value))
  for (name in c("label", "position", "match")) {
    expect_type(data[[name]], "integer")
    expect_length(data[[name]], 50L)
    expect_null(dim(data[[name]]))
  }
  expect_true(all(data$query >= 1L & data$query <= 30L))
  expect_true(all(data$value >= 1L & data$value <= 30L))
  expect_true(all(data$position >= 1L & data$position <= 12L))
  expect_true(all(data$match >= 1L & data$match <= 6L))
})

test_that("synthetic_token_match() balances the labels", {
  expect_identical(sum(synthetic_token_match(100, seed = 3)$label), 50L)
  # An odd n: one more 0 than 1.
  expect_identical(as.vector(table(synthetic_token_match(101, seed = 3)$label)), c(51L, 50L))
  expect_identical(synthetic_token_match(1, seed = 3)$label, 0L)
})

test_that("synthetic_token_match() hides exactly one query token in each value", {
  data <- synthetic_token_match(200, seed = 2)
  for (i in seq_len(200)) {
    query <- data$query[i, ]
    value <- data$value[i, ]
    hidden <- query[[data$match[[i]]]]
    expect_identical(anyDuplicated(query), 0L)
    expect_identical(value[[data$position[[i]]]], hidden)
    # The hidden token occurs once, and no other query token occurs at all.
    expect_identical(which(value %in% query), data$position[[i]])
    expect_identical(hidden %% 2L, data$label[[i]])
  }
})

test_that("synthetic_token_match() gives neither input alone a clue to the label", {
  data <- synthetic_token_match(300, query_length = 4, value_length = 20, seed = 4)
  expect_true(all(rowSums(data$query %% 2L) == 2L))
  expect_true(all(rowSums(data$value %% 2L) == 10L))
  # The hidden token is as likely to be anywhere.
  expect_gt(length(unique(data$position)), 15L)
  expect_identical(sort(unique(data$match)), 1:4)
})

test_that("synthetic_token_match() is deterministic given a seed", {
  expect_identical(synthetic_token_match(30, seed = 7), synthetic_token_match(30, seed = 7))
  expect_false(identical(synthetic_token_match(30, seed = 7), synthetic_token_match(30, seed = 8)))
  # Without a seed it follows set.seed().
  set.seed(11)
  first <- synthetic_token_match(30)
  set.seed(11)
  expect_identical(synthetic_token_match(30), first)
})

test_that("synthetic_token_match() rejects impossible sizes", {
  expect_error(synthetic_token_match(0), "`n` must be a whole number >= 1", class = "rkeras_arg_error")
  expect_error(synthetic_token_match(10, query_length = 3), "`query_length` must be an even whole number",
    class = "rkeras_arg_error"
  )
  expect_error(synthetic_token_match(10, value_length = 1), "`value_length`", class = "rkeras_arg_error")
  expect_error(synthetic_token_match(10, vocab_size = 41), "`vocab_size`", class = "rkeras_arg_error")
  expect_error(synthetic_token_match(10, query_length = 8, vocab_size = 8), "must be less than `vocab_size`")
  expect_error(synthetic_token_match(10, seed = 1.5), "`seed` must be a whole number or `NULL`",
    class = "rkeras_arg_error"
  )
})

test_that("synthetic_waves() returns inputs and next values as n x steps x 1 arrays", {
  waves <- synthetic_waves(5, steps = 30, seed = 1)
  expect_named(waves, c("x", "y"))
  expect_identical(dim(waves$x), c(5L, 30L, 1L))
  expect_identical(dim(waves$y), c(5L, 30L, 1L))
  expect_type(waves$x, "double")
  # y is x one step later.
  expect_identical(waves$x[, -1, 1], waves$y[, -30, 1])
  expect_true(all(is.finite(waves$x)) && all(is.finite(waves$y)))
})

test_that("synthetic_waves() makes bounded, varied series, noiseless when asked", {
  clean <- synthetic_waves(100, steps = 50, noise = 0, seed = 2)
  expect_true(all(abs(clean$x) <= 1.5 + 1e-12))
  # Different series: random periods and phases.
  expect_gt(min(dist(clean$x[1:10, , 1])), 0.1)
  # A sum of two sines with periods of at least 6 steps moves little per step.
  expect_lt(max(abs(diff(t(clean$x[, , 1])))), 2 * pi / 6 + pi / 15 + 1e-9)
  noisy <- synthetic_waves(100, steps = 50, noise = 0.5, seed = 2)
  expect_equal(sd(noisy$x - clean$x), 0.5, tolerance = 0.05)
})

test_that("synthetic_waves() is deterministic given a seed", {
  expect_identical(synthetic_waves(4, seed = 5), synthetic_waves(4, seed = 5))
  expect_false(identical(synthetic_waves(4, seed = 5), synthetic_waves(4, seed = 6)))
  expect_error(synthetic_waves(4, noise = -1), "`noise` must be a number >= 0", class = "rkeras_arg_error")
  expect_error(synthetic_waves(4, steps = 0), "`steps`", class = "rkeras_arg_error")
})

test_that("a seed leaves the caller's random number stream as it was", {
  set.seed(99)
  expected <- runif(3)
  set.seed(99)
  synthetic_token_match(10, seed = 1)
  synthetic_waves(10, seed = 1)
  expect_identical(runif(3), expected)
})

test_that("synthetic_shapes() returns channels-last images and balanced labels", {
  shapes <- synthetic_shapes(30, size = 12, seed = 1)
  expect_identical(dim(shapes$x), c(30L, 12L, 12L, 1L))
  expect_type(shapes$x, "double")
  expect_identical(sort(unique(shapes$y)), 0:2)
  expect_identical(as.vector(table(shapes$y)), c(10L, 10L, 10L))
  expect_identical(shapes$classes, c("horizontal", "vertical", "diagonal"))
  expect_identical(synthetic_shapes(30, size = 12, seed = 1), shapes)
})

test_that("synthetic_shapes() draws one stroke of the labelled direction", {
  shapes <- synthetic_shapes(60, size = 10, noise = 0, seed = 3)
  for (i in seq_along(shapes$y)) {
    lit <- which(shapes$x[i, , , 1] > 0.5, arr.ind = TRUE)
    expect_gte(nrow(lit), 5L)
    direction <- if (length(unique(lit[, "row"])) == 1L) {
      0L
    } else if (length(unique(lit[, "col"])) == 1L) {
      1L
    } else if (all(lit[, "row"] == lit[, "col"])) {
      2L
    } else {
      NA_integer_
    }
    expect_identical(direction, shapes$y[[i]])
  }
})

test_that("synthetic_shapes() refuses impossible sizes", {
  expect_error(synthetic_shapes(2, size = 4), "`size` must be a whole number >= 8, not the number 4.", fixed = TRUE)
  expect_error(synthetic_shapes(0), "`n` must be a whole number >= 1", fixed = TRUE)
})
