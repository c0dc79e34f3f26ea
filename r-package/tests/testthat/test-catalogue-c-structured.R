# The layer catalogue, structured-data and audio preprocessing:
# layer_category_encoding(), layer_discretization(), layer_hashed_crossing(),
# layer_hashing(), layer_mel_spectrogram() and layer_stft_spectrogram().
# For every wrapper, on the same input and with the same arguments:
#   - the output shape and values equal those of the Keras class called
#     directly through reticulate (all six layers are deterministic);
#   - R doubles reach Keras as ints (read back from the layer's config);
#   - every argument is coerced, and a bad value of it is refused in R with
#     an error naming it;
#   - the layer composes with keras_input() and a sequential model.

# One case per wrapper: `r` the arguments as an R user writes them
# (doubles), `py` as a Python user passes them, `input` the R input and
# `py_input` the same input as Python takes it, `config` values the layer's
# get_config() must hold, as ints.
# A Python list Keras keeps in a tracked subclass, as R converts a plain one
# (a vector where its items are numbers of one type).
py_list <- function(x) reticulate::import_builtins()$list(x)

structured_case <- function(fn, class, r, py, input, py_input = input, config = list()) {
  list(fn = fn, class = class, r = r, py = py, input = input, py_input = py_input, config = config)
}

structured_cases <- function() {
  np <- reticulate::import("numpy", convert = FALSE)
  tuple <- reticulate::tuple
  tokens <- rbind(c(0, 1), c(0, 0), c(1, 2), c(3, 1))
  values <- rbind(c(-1.5, 1.0, 3.4, 0.5), c(0.0, 3.0, 1.3, 0.0))
  strings <- matrix(c("A", "B", "", "C", "D"), ncol = 1)
  feat1 <- c("A", "B", "A", "B", "A")
  feat2 <- c(101L, 101L, 101L, 102L, 102L)
  audio <- array(sin(seq_len(2 * 1200) / 7), dim = c(2, 1200))
  tracks <- array(cos(seq_len(2 * 600 * 2) / 5), dim = c(2, 600, 2))
  list(
    structured_case("layer_category_encoding", "CategoryEncoding",
      r = list(num_tokens = 4, output_mode = "count"),
      py = list(num_tokens = 4L, output_mode = "count"),
      input = tokens, py_input = np$array(tokens, dtype = "int32"),
      config = list(num_tokens = 4L)
    ),
    structured_case("layer_discretization", "Discretization",
      r = list(bin_boundaries = c(0, 1, 2), output_mode = "one_hot", epsilon = 0.05),
      py = list(bin_boundaries = list(0, 1, 2), output_mode = "one_hot", epsilon = 0.05),
      input = values,
      config = list(bin_boundaries = c(0, 1, 2))
    ),
    structured_case("layer_hashing", "Hashing",
      r = list(num_bins = 5, mask_value = "", salt = c(133, 137), output_mode = "int"),
      py = list(num_bins = 5L, mask_value = "", salt = tuple(133L, 137L), output_mode = "int"),
      input = strings, py_input = np$array(strings),
      config = list(num_bins = 5L, salt = c(133L, 137L))
    ),
    structured_case("layer_hashed_crossing", "HashedCrossing",
      r = list(num_bins = 7, output_mode = "one_hot"),
      py = list(num_bins = 7L, output_mode = "one_hot"),
      input = list(feat1, feat2), py_input = list(np$array(feat1), np$array(feat2)),
      config = list(num_bins = 7L)
    ),
    structured_case("layer_mel_spectrogram", "MelSpectrogram",
      r = list(fft_length = 256, sequence_stride = 64, sequence_length = 128, window = "hamming",
        sampling_rate = 8000, num_mel_bins = 16, min_freq = 50, max_freq = 3000, top_db = 60),
      py = list(fft_length = 256L, sequence_stride = 64L, sequence_length = 128L, window = "hamming",
        sampling_rate = 8000L, num_mel_bins = 16L, min_freq = 50, max_freq = 3000, top_db = 60),
      input = audio,
      config = list(fft_length = 256L, sequence_stride = 64L, sequence_length = 128L,
        sampling_rate = 8000L, num_mel_bins = 16L)
    ),
    structured_case("layer_stft_spectrogram", "STFTSpectrogram",
      r = list(mode = "magnitude", frame_length = 64, frame_step = 32, fft_length = 128,
        window = "hamming", padding = "same", scaling = "spectrum"),
      py = list(mode = "magnitude", frame_length = 64L, frame_step = 32L, fft_length = 128L,
        window = "hamming", padding = "same", scaling = "spectrum"),
      input = tracks,
      config = list(frame_length = 64L, frame_step = 32L, fft_length = 128L)
    )
  )
}

test_that("every argument of every structured wrapper is coerced", {
  skip_if_no_keras() # the cases use numpy
  for (case in structured_cases()) {
    fn <- get(case$fn, envir = asNamespace("rkeras"))
    coercers <- wrapper_coercers(case$fn)
    formal_args <- setdiff(names(formals(fn)), c("object", "..."))
    expect_identical(as.character(names(coercers)), formal_args, info = case$fn)
    expect_true(all(coercers %in% names(catalogue_bad_values)), info = case$fn)
  }
})

test_that("structured wrappers give Keras's output for the same arguments", {
  skip_if_no_keras()
  keras <- reticulate::import("keras")
  for (case in structured_cases()) {
    ours <- do.call(case$fn, c(list(case$input), case$r))
    theirs <- do.call(keras$layers[[case$class]], case$py)(case$py_input)
    expect_identical(dim(ours), dim(theirs), info = case$fn)
    expect_gt(length(dim(ours)), 0)
    expect_equal(as.array(ours), as.array(theirs), tolerance = 1e-5, info = case$fn)
  }
})

test_that("structured wrappers hand Keras ints for R doubles", {
  skip_if_no_keras()
  for (case in structured_cases()) {
    config <- do.call(case$fn, case$r)$get_config()
    for (name in names(case$config)) {
      value <- config[[name]]
      if (inherits(value, "python.builtin.object")) value <- py_list(value)
      expect_identical(value, case$config[[name]], info = paste(case$fn, name))
    }
  }
  # One salt stands for a pair; a whole-number mask value reaches Keras as an int.
  config <- layer_hashing(num_bins = 3, salt = 7, mask_value = 0)$get_config()
  expect_identical(py_list(config$salt), c(7L, 7L))
  expect_identical(config$mask_value, 0L)
})

test_that("a bad value of each argument is refused, naming the argument", {
  skip_if_no_keras()
  for (case in structured_cases()) {
    expect_every_argument_checked(case$fn, case$r)
  }
})

test_that("the ranges and options Keras requires are refused in R", {
  expect_error(layer_category_encoding(num_tokens = 0), "`num_tokens` must be a whole number >= 1",
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(layer_category_encoding(num_tokens = 3, output_mode = "int"), '`output_mode` must be one of "one_hot"',
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(layer_discretization(num_bins = -1), "`num_bins` must be a whole number >= 0",
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(layer_discretization(num_bins = 3, epsilon = 0), "`epsilon` must be a number",
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(layer_discretization(bin_boundaries = c(0, NA)), "`bin_boundaries` must be one or more finite numbers",
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(layer_hashing(num_bins = 0), "`num_bins` must be a whole number >= 1",
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(layer_hashing(num_bins = 3, mask_value = c("a", "b")), "`mask_value` must be a single string or a whole number",
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(layer_hashed_crossing(num_bins = 0), "`num_bins` must be a whole number >= 1",
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(layer_hashed_crossing(num_bins = 3, output_mode = "count"), '`output_mode` must be one of "int", "one_hot"',
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(layer_mel_spectrogram(window = "blackman"), '`window` must be one of "hann", "hamming"',
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(layer_mel_spectrogram(sequence_stride = 0), "`sequence_stride` must be a whole number >= 1",
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(layer_stft_spectrogram(mode = "power"), '`mode` must be one of "log", "magnitude"',
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(layer_stft_spectrogram(frame_step = 0), "`frame_step` must be a whole number >= 1",
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(layer_stft_spectrogram(padding = "causal"), '`padding` must be one of "valid", "same"',
    fixed = TRUE, class = "rkeras_arg_error"
  )
})

test_that("layer_category_encoding() takes count_weights in its call", {
  skip_if_no_keras()
  keras <- reticulate::import("keras")
  x <- rbind(c(0, 1), c(0, 0), c(1, 2), c(3, 1))
  weights <- rbind(c(0.1, 0.2), c(0.1, 0.1), c(0.2, 0.3), c(0.4, 0.2))
  ours <- layer_category_encoding(x, num_tokens = 4, output_mode = "count", count_weights = weights)
  expected <- rbind(c(0.1, 0.2, 0, 0), c(0.2, 0, 0, 0), c(0, 0.2, 0.3, 0), c(0, 0.2, 0, 0.4))
  expect_equal(as.array(ours), expected, tolerance = 1e-6)
  # A layer instance takes it too.
  layer <- layer_category_encoding(num_tokens = 4, output_mode = "count")
  expect_equal(as.array(layer(x, count_weights = weights)), expected, tolerance = 1e-6)
  expect_error(layer_category_encoding(x, num_tokens = 4, output_mode = "count", count_weights = "w"),
    "`count_weights` must be",
    fixed = TRUE, class = "rkeras_arg_error"
  )
  # One-hot: one row per value of a vector.
  one_hot <- layer_category_encoding(c(3, 2, 0, 1), num_tokens = 4, output_mode = "one_hot")
  expect_equal(as.array(one_hot), diag(4)[c(4, 3, 1, 2), ])
})

test_that("adapt() learns layer_discretization()'s bin boundaries as Keras does", {
  skip_if_no_keras()
  keras <- reticulate::import("keras")
  x <- rbind(c(-1.5, 1.0, 3.4, 0.5), c(0.0, 3.0, 1.3, 0.0))
  layer <- layer_discretization(num_bins = 4, epsilon = 0.01)
  expect_identical(adapt(layer, x), layer)
  theirs <- keras$layers$Discretization(num_bins = 4L, epsilon = 0.01)
  theirs$adapt(x)
  expect_equal(unlist(py_list(layer$bin_boundaries)), unlist(py_list(theirs$bin_boundaries)), tolerance = 1e-6)
  expect_equal(unlist(py_list(layer$bin_boundaries)), c(0, 0.5, 1.3), tolerance = 1e-6)
  expect_identical(as.array(layer(x)), rbind(c(0L, 2L, 3L, 2L), c(1L, 3L, 3L, 1L)))
  expect_identical(layer$get_config()$num_bins, 4L)
  # A layer given its boundaries cannot adapt: Keras's error, naming the call.
  expect_error(adapt(layer_discretization(bin_boundaries = c(0, 1)), x), "num_bins")
})

test_that("string inputs reach layer_hashing() and layer_hashed_crossing()", {
  skip_if_no_keras()
  # A character vector is one 1-d string tensor; a character matrix keeps its dims.
  hashed <- layer_hashing(c("A", "B", "C", "D", "E"), num_bins = 3)
  expect_identical(as.vector(as.array(hashed)), c(1, 0, 1, 1, 2))
  expect_identical(dim(layer_hashing(matrix(c("A", "B", "C", "D"), 2), num_bins = 3)), c(2L, 2L))
  # The mask value takes bin 0.
  masked <- layer_hashing(c("A", "B", "", "C", "D"), num_bins = 3, mask_value = "")
  expect_identical(as.vector(as.array(masked)), c(1, 1, 0, 2, 2))
  # Integers and whole doubles hash alike; an integer mask value masks them.
  ints <- layer_hashing(matrix(c(1L, 2L, 3L, 0L), ncol = 1), num_bins = 4, mask_value = 0)
  doubles <- layer_hashing(matrix(c(1, 2, 3, 0), ncol = 1), num_bins = 4, mask_value = 0)
  expect_identical(as.array(ints), as.array(doubles))
  expect_identical(as.array(ints)[4, 1], 0)
  # Keras's example: strings crossed with integers.
  crossed <- layer_hashed_crossing(list(c("A", "B", "A", "B", "A"), c(101L, 101L, 101L, 102L, 102L)), num_bins = 5)
  expect_identical(as.vector(as.array(crossed)), c(1, 4, 1, 1, 3))
})

test_that("the structured layers compose with keras_input() and sequential models", {
  skip_if_no_keras()
  # Numeric inputs in a functional model.
  input <- keras_input(shape = 4)
  output <- layer_discretization(input, bin_boundaries = c(0, 1, 2), output_mode = "multi_hot")
  expect_identical(shape(output), shape(NA, 4))
  model <- keras_model(input, output)
  x <- rbind(c(-1.5, 1.0, 3.4, 0.5), c(0.0, 3.0, 1.3, 0.0))
  expect_equal(as.array(model(x)), rbind(c(1, 1, 1, 1), c(0, 1, 1, 1)))

  encoded <- layer_category_encoding(keras_input(shape = 2, dtype = "int32"), num_tokens = 5)
  expect_identical(shape(encoded), shape(NA, 5))

  # String inputs.
  strings <- keras_input(shape = 1, dtype = "string")
  expect_identical(shape(layer_hashing(strings, num_bins = 3, output_mode = "one_hot")), shape(NA, 3))
  crossed <- layer_hashed_crossing(
    list(keras_input(shape = 1, dtype = "string"), keras_input(shape = 1, dtype = "int64")),
    num_bins = 6, output_mode = "one_hot"
  )
  expect_identical(shape(crossed), shape(NA, 6))

  # Audio in sequential models.
  model <- keras_model_sequential(input_shape = 1000) |>
    layer_mel_spectrogram(fft_length = 256, sequence_stride = 128, num_mel_bins = 16, sampling_rate = 8000)
  expect_identical(dim(model(array(runif(2 * 1000), c(2, 1000)))), c(2L, 16L, 8L))

  model <- keras_model_sequential(input_shape = c(600, 1)) |>
    layer_stft_spectrogram(frame_length = 64, frame_step = 32, expand_dims = TRUE, trainable = FALSE) |>
    layer_flatten()
  expect_identical(dim(model(array(runif(2 * 600), c(2, 600, 1)))), c(2L, 17L * 33L))
  # R integers become doubles on their way to the float layers.
  y <- layer_stft_spectrogram(array(1:600, c(1, 600, 1)), frame_length = 64, frame_step = 32)
  expect_identical(dim(y), c(1L, 17L, 33L))
})
