# The random_*() functions (keras.random) and random_seed_generator()
# (keras.random.SeedGenerator), against Keras's functions driven through
# reticulate with the same seed.

# One case per function: its arguments as an R user writes them (doubles,
# axes from 1), the keras.random function with the same arguments as Python
# takes them, and the shape and dtype of the result.
# A function, so that sourcing the file never starts Python.
random_cases <- function() {
  logits <- matrix(c(1, 0.5, 2, 0.1, 3, 1), nrow = 2)
  x <- matrix(as.double(1:12), nrow = 4)
  np <- function(a) reticulate::np_array(a)
  shape <- reticulate::tuple(2L, 3L)
  list(
    random_categorical = list(
      r = list(logits, num_samples = 4, zero_indexed = TRUE, seed = 3), py = "categorical",
      py_args = list(np(logits), num_samples = 4L, seed = 3L), dim = c(2L, 4L), dtype = "int32"
    ),
    random_dropout = list(
      r = list(x, rate = 0.5, noise_shape = c(1, 3), seed = 3), py = "dropout",
      py_args = list(np(x), rate = 0.5, noise_shape = reticulate::tuple(1L, 3L), seed = 3L),
      dim = c(4L, 3L), dtype = "float64"
    ),
    random_gamma = list(
      r = list(c(2, 3), alpha = 2, dtype = "float64", seed = 3), py = "gamma",
      py_args = list(shape, alpha = 2, dtype = "float64", seed = 3L), dim = c(2L, 3L), dtype = "float64"
    ),
    random_integer = list(
      r = list(c(2, 3), minval = -5, maxval = 5, dtype = "int64", seed = 3), py = "randint",
      py_args = list(shape, minval = -5L, maxval = 5L, dtype = "int64", seed = 3L),
      dim = c(2L, 3L), dtype = "int64"
    ),
    random_normal = list(
      r = list(c(2, 3), mean = 1, stddev = 2, seed = 3), py = "normal",
      py_args = list(shape, mean = 1, stddev = 2, seed = 3L), dim = c(2L, 3L), dtype = "float32"
    ),
    random_shuffle = list(
      r = list(x, axis = 2, seed = 3), py = "shuffle",
      py_args = list(np(x), axis = 1L, seed = 3L), dim = c(4L, 3L), dtype = "float64"
    ),
    random_truncated_normal = list(
      r = list(c(2, 3), mean = -1, stddev = 0.5, seed = 3), py = "truncated_normal",
      py_args = list(shape, mean = -1, stddev = 0.5, seed = 3L), dim = c(2L, 3L), dtype = "float32"
    ),
    random_uniform = list(
      r = list(c(2, 3), minval = -2, maxval = 2, dtype = "float16", seed = 3), py = "uniform",
      py_args = list(shape, minval = -2, maxval = 2, dtype = "float16", seed = 3L),
      dim = c(2L, 3L), dtype = "float16"
    ),
    random_beta = list(
      r = list(c(2, 3), alpha = 2, beta = c(1, 2, 5), seed = 3), py = "beta",
      py_args = list(shape, alpha = 2, beta = np(array(c(1, 2, 5))), seed = 3L),
      dim = c(2L, 3L), dtype = "float32"
    ),
    random_binomial = list(
      r = list(c(2, 3), counts = 10, probabilities = 0.3, seed = 3), py = "binomial",
      py_args = list(shape, counts = 10, probabilities = 0.3, seed = 3L), dim = c(2L, 3L), dtype = "float32"
    )
  )
}

tensor_dtype <- function(x) {
  py_keras()$backend$standardize_dtype(reticulate::py_get_attr(x, "dtype"))
}

test_that("each random function gives Keras's values for the same seed, with its shape and dtype", {
  skip_if_no_keras()
  for (fn in names(random_cases())) {
    case <- random_cases()[[fn]]
    ours <- do.call(getExportedValue("rkeras", fn), case$r)
    theirs <- do.call(py_keras()$random[[case$py]], case$py_args)
    expect_identical(as.array(ours), as.array(theirs), label = fn)
    expect_identical(dim(as.array(ours)), case$dim, label = fn)
    expect_identical(tensor_dtype(ours), case$dtype, label = fn)
  }
})

test_that("a whole-number seed repeats the values; a seed generator advances as Keras's does", {
  skip_if_no_keras()
  expect_identical(as.array(random_normal(c(3, 2), seed = 7)), as.array(random_normal(c(3, 2), seed = 7)))
  ours <- random_seed_generator(seed = 42)
  theirs <- py_keras()$random$SeedGenerator(seed = 42L)
  expect_s3_class(ours, "keras.src.random.seed_generator.SeedGenerator")
  first <- as.array(random_uniform(c(2, 2), seed = ours))
  second <- as.array(random_uniform(c(2, 2), seed = ours))
  expect_false(identical(first, second))
  shape <- reticulate::tuple(2L, 2L)
  expect_identical(first, as.array(py_keras()$random$uniform(shape, seed = theirs)))
  expect_identical(second, as.array(py_keras()$random$uniform(shape, seed = theirs)))
  # Every random function takes one.
  for (fn in names(random_cases())) {
    case <- random_cases()[[fn]]
    case$r$seed <- random_seed_generator(seed = 1)
    case$py_args$seed <- py_keras()$random$SeedGenerator(seed = 1L)
    ours <- do.call(getExportedValue("rkeras", fn), case$r)
    expect_identical(as.array(ours), as.array(do.call(py_keras()$random[[case$py]], case$py_args)), label = fn)
  }
  named <- random_seed_generator(seed = 1, name = "my_seed")
  expect_match(named$state$path, "my_seed")
})

test_that("random_categorical() counts from 1 unless zero_indexed = TRUE, as in keras3", {
  skip_if_no_keras()
  logits <- matrix(c(0, 0, 0, 0, 0, 0, 0, 0), nrow = 2)
  zero <- as.array(py_keras()$random$categorical(reticulate::np_array(logits), 50L, seed = 5L))
  ours <- random_categorical(logits, 50, seed = 5)
  expect_identical(as.array(ours), zero + 1L)
  expect_identical(tensor_dtype(ours), "int32")
  expect_setequal(as.vector(as.array(ours)), 1:4)
  expect_identical(as.array(random_categorical(logits, 50, seed = 5, zero_indexed = TRUE)), zero)
  # In R's indexing, a sample picks its class: the certain class 3 of each row.
  sure <- matrix(c(-1e9, -1e9, -1e9, -1e9, 0, 0), nrow = 2)
  expect_identical(as.array(random_categorical(sure, 3, seed = 1)), matrix(3L, 2, 3))
  expect_identical(tensor_dtype(random_categorical(sure, 3, dtype = "int64", seed = 1)), "int64")
})

test_that("random_shuffle() counts axes from 1, as R does", {
  skip_if_no_keras()
  x <- matrix(as.double(1:12), nrow = 4)
  rows <- as.array(random_shuffle(x, seed = 11))
  expect_identical(rows, as.array(py_keras()$random$shuffle(reticulate::np_array(x), axis = 0L, seed = 11L)))
  expect_setequal(apply(rows, 1, paste, collapse = ","), apply(x, 1, paste, collapse = ","))
  columns <- as.array(random_shuffle(x, axis = 2, seed = 11))
  expect_setequal(apply(columns, 2, paste, collapse = ","), apply(x, 2, paste, collapse = ","))
  expect_identical(as.array(random_shuffle(x, axis = -1, seed = 11)), columns)
})

test_that("every argument of every random function is checked in R, naming it", {
  skip_if_no_keras()
  for (fn in names(random_cases())) {
    expect_every_argument_checked(fn, random_cases()[[fn]]$r)
  }
  expect_every_argument_checked("random_seed_generator", list(seed = 1, name = "s"))
  expect_error(random_normal(c(2, 2), seed = "1"), "`seed` must be a whole number or a seed generator",
    class = "rkeras_arg_error"
  )
  expect_error(random_normal(c(2, 2), seed = py_keras()$layers$Dense(2L)), "`seed` must be",
    class = "rkeras_arg_error"
  )
})
