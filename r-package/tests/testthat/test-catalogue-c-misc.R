# The layer catalogue, group C (misc): adaptive pooling, CLAHE,
# ReversibleEmbedding and Pipeline. For every wrapper, against Keras's class
# called directly through reticulate with the same arguments:
#   - the same output shape and values (weights copied where there are any);
#   - R doubles reach Keras as ints where Keras wants ints (read back from the
#     layer's config);
#   - a bad value of each argument is refused in R, naming it;
#   - the layer composes with a sequential model and with keras_input().

misc_keras_layer <- function(class, ...) reticulate::import("keras")$layers[[class]](...)

misc_float32 <- function(x) reticulate::import("keras")$ops$convert_to_tensor(x, dtype = "float32")

misc_pooling_cases <- function() {
  tuple <- reticulate::tuple
  list(
    list(fn = "layer_adaptive_average_pooling_1d", class = "AdaptiveAveragePooling1D", input = c(2, 7, 3),
      r = list(output_size = 3), py = list(output_size = 3L), config = list(3L)),
    list(fn = "layer_adaptive_max_pooling_1d", class = "AdaptiveMaxPooling1D", input = c(2, 3, 7),
      r = list(output_size = 4, data_format = "channels_first"),
      py = list(output_size = 4L, data_format = "channels_first"), config = list(4L)),
    list(fn = "layer_adaptive_average_pooling_2d", class = "AdaptiveAveragePooling2D", input = c(2, 7, 5, 3),
      r = list(output_size = c(3, 2)), py = list(output_size = tuple(3L, 2L)), config = list(3L, 2L)),
    list(fn = "layer_adaptive_max_pooling_2d", class = "AdaptiveMaxPooling2D", input = c(2, 6, 5, 2),
      r = list(output_size = 4), py = list(output_size = 4L), config = list(4L, 4L)),
    list(fn = "layer_adaptive_average_pooling_3d", class = "AdaptiveAveragePooling3D", input = c(1, 2, 5, 4, 6),
      r = list(output_size = c(2, 3, 4), data_format = "channels_first"),
      py = list(output_size = tuple(2L, 3L, 4L), data_format = "channels_first"), config = list(2L, 3L, 4L)),
    list(fn = "layer_adaptive_max_pooling_3d", class = "AdaptiveMaxPooling3D", input = c(2, 5, 4, 6, 2),
      r = list(output_size = 2), py = list(output_size = 2L), config = list(2L, 2L, 2L))
  )
}

misc_input <- function(dims) array(stats::runif(prod(dims), -1, 1), dims)

test_that("adaptive pooling wrappers give Keras's values and shapes, with ints in the config", {
  skip_if_no_keras()
  set.seed(1)
  for (case in misc_pooling_cases()) {
    x <- misc_input(case$input)
    ours <- do.call(case$fn, c(list(x), case$r))
    theirs <- do.call(misc_keras_layer, c(list(case$class), case$py))(misc_float32(x))
    expect_identical(dim(ours), dim(theirs), info = case$fn)
    expect_equal(as.array(ours), as.array(theirs), tolerance = 1e-6, info = case$fn)
    config <- do.call(case$fn, case$r)$get_config()
    expect_identical(config$output_size, case$config, info = case$fn)
  }
  # The windows, in R: overlapping means of 5 values pooled to 3.
  x <- array(c(1, 2, 4, 8, 16), c(1, 5, 1))
  expect_equal(as.array(layer_adaptive_average_pooling_1d(x, output_size = 3))[1, , 1], c(1.5, 14 / 3, 12),
    tolerance = 1e-6
  )
  expect_equal(as.array(layer_adaptive_max_pooling_1d(x, output_size = 3))[1, , 1], c(2, 8, 16))
  # R integer arrays are pooled as doubles.
  y <- layer_adaptive_average_pooling_2d(array(1:16, c(1, 4, 4, 1)), output_size = 2)
  expect_equal(as.array(y)[1, , , 1], matrix(c(3.5, 5.5, 11.5, 13.5), 2))
})

test_that("adaptive pooling wrappers refuse bad values, naming the argument", {
  skip_if_no_keras()
  for (case in misc_pooling_cases()) {
    expect_every_argument_checked(case$fn, list(output_size = 2, data_format = "channels_last"))
  }
  expect_error(layer_adaptive_average_pooling_1d(output_size = 0), "`output_size` must be a whole number >= 1",
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(layer_adaptive_max_pooling_1d(output_size = c(2, 2)), "`output_size` must be",
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(layer_adaptive_max_pooling_2d(output_size = NA), "`output_size` must be",
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(layer_adaptive_average_pooling_3d(), "output_size")
})

test_that("adaptive pooling wrappers compose with keras_input() and a sequential model", {
  skip_if_no_keras()
  inputs <- keras_input(shape = c(12, 10, 3))
  expect_identical(shape(layer_adaptive_max_pooling_2d(inputs, output_size = c(3, 5))), shape(NA, 3, 5, 3))
  inputs <- keras_input(shape = c(8, 6, 4, 2))
  expect_identical(shape(layer_adaptive_average_pooling_3d(inputs, output_size = 2)), shape(NA, 2, 2, 2, 2))

  model <- keras_model_sequential(input_shape = c(9, 2))
  layer_adaptive_average_pooling_1d(model, output_size = 3)
  layer_adaptive_max_pooling_1d(model, output_size = 2)
  x <- array(c(1:9, 11:19), c(1, 9, 2))
  # Means of 3 (2, 5, 8), then maxima of overlapping windows of 2 (5, 8).
  expect_equal(predict(model, x, verbose = 0), array(c(5, 8, 15, 18), c(1, 2, 2)))
})

test_that("layer_contrast_limited_adaptive_histogram_equalization() gives Keras's values", {
  skip_if_no_keras()
  set.seed(2)
  x <- array(stats::runif(2 * 12 * 10 * 3, 0.3, 0.6), c(2, 12, 10, 3))
  ours <- layer_contrast_limited_adaptive_histogram_equalization(x,
    value_range = c(0, 1), clip_limit = 2, tile_grid_size = c(3, 2)
  )
  theirs <- misc_keras_layer("ContrastLimitedAdaptiveHistogramEqualization",
    value_range = reticulate::tuple(0, 1), clip_limit = 2, tile_grid_size = reticulate::tuple(3L, 2L)
  )(misc_float32(x))
  expect_identical(dim(ours), c(2L, 12L, 10L, 3L))
  expect_equal(as.array(ours), as.array(theirs), tolerance = 1e-6)
  # It stretches the contrast.
  expect_gt(diff(range(as.array(ours))), diff(range(x)))

  # channels_first, by default ranges and tiles; training changes nothing.
  img <- array(stats::runif(1 * 2 * 16 * 16, 100, 140), c(1, 2, 16, 16))
  layer <- layer_contrast_limited_adaptive_histogram_equalization(data_format = "channels_first")
  keras_layer <- misc_keras_layer("ContrastLimitedAdaptiveHistogramEqualization", data_format = "channels_first")
  expect_equal(as.array(layer(img)), as.array(keras_layer(misc_float32(img))), tolerance = 1e-4)
  expect_equal(as.array(layer(img, training = FALSE)), as.array(layer(img, training = TRUE)))

  # An integer image stays integer.
  ints <- array(sample(0:255, 64, replace = TRUE), c(1, 8, 8, 1))
  y <- layer_contrast_limited_adaptive_histogram_equalization(ints, tile_grid_size = c(2, 2))
  expect_identical(storage.mode(as.array(y)), "integer")
})

test_that("layer_contrast_limited_adaptive_histogram_equalization() hands Keras ints and refuses bad values", {
  skip_if_no_keras()
  fn <- "layer_contrast_limited_adaptive_histogram_equalization"
  config <- layer_contrast_limited_adaptive_histogram_equalization(
    value_range = c(0, 1), clip_limit = 3, tile_grid_size = c(4, 2)
  )$get_config()
  expect_identical(config$tile_grid_size, list(4L, 2L))
  expect_identical(config$value_range, list(0, 1))
  expect_identical(config$clip_limit, 3)
  expect_every_argument_checked(fn, list(value_range = c(0, 255), clip_limit = 4, tile_grid_size = c(8, 8),
    data_format = "channels_last"))
  layer <- layer_contrast_limited_adaptive_histogram_equalization()
  expect_error(layer(array(1, c(1, 8, 8, 1)), training = "yes"), "`training` must be",
    fixed = TRUE, class = "rkeras_arg_error"
  )
})

test_that("layer_contrast_limited_adaptive_histogram_equalization() composes with keras_input() and a sequential model", {
  skip_if_no_keras()
  images <- keras_input(shape = c(16, 16, 1))
  out <- layer_contrast_limited_adaptive_histogram_equalization(images, tile_grid_size = c(2, 2))
  expect_identical(shape(out), shape(NA, 16, 16, 1))

  model <- keras_model_sequential(input_shape = c(16, 16, 1))
  layer_contrast_limited_adaptive_histogram_equalization(model, tile_grid_size = c(2, 2))
  set.seed(3)
  x <- array(stats::runif(256, 90, 130), c(1, 16, 16, 1))
  keras_layer <- misc_keras_layer("ContrastLimitedAdaptiveHistogramEqualization",
    tile_grid_size = reticulate::tuple(2L, 2L)
  )
  expect_equal(predict(model, x, verbose = 0), as.array(keras_layer(misc_float32(x))), tolerance = 1e-4)
})

test_that("layer_reversible_embedding() gives Keras's values, forwards and in reverse", {
  skip_if_no_keras()
  ids <- matrix(c(0L, 3L, 6L, 2L, 5L, 1L), 2)
  for (tie in c(TRUE, FALSE)) {
    ours <- layer_reversible_embedding(input_dim = 7, output_dim = 4, tie_weights = tie, logit_soft_cap = 2)
    theirs <- misc_keras_layer("ReversibleEmbedding", 7L, 4L, tie_weights = tie, logit_soft_cap = 2)
    hidden <- ours(ids)
    theirs(ids)
    expect_length(ours$get_weights(), if (tie) 1L else 2L)
    theirs$set_weights(ours$get_weights())
    expect_identical(dim(hidden), c(2L, 3L, 4L))
    expect_equal(as.array(hidden), as.array(theirs(ids)), tolerance = 1e-6)
    logits <- ours(hidden, reverse = TRUE)
    expect_identical(dim(logits), c(2L, 3L, 7L))
    expect_equal(as.array(logits), as.array(theirs(hidden, reverse = TRUE)), tolerance = 1e-6)
    expect_true(all(abs(as.array(logits)) < 2))
  }
  # Tied weights: the reverse projection is the product with the transposed embeddings.
  layer <- layer_reversible_embedding(input_dim = 5, output_dim = 3, embeddings_initializer = "glorot_uniform")
  layer(matrix(0L, 1, 1))
  embeddings <- layer$get_weights()[[1]]
  h <- array(c(1, -2, 0.5), c(1, 1, 3))
  expect_equal(as.array(layer(h, reverse = TRUE))[1, 1, ], drop(embeddings %*% c(1, -2, 0.5)), tolerance = 1e-5)
})

test_that("layer_reversible_embedding() hands Keras ints, refuses bad values and `reverse` in `...`", {
  skip_if_no_keras()
  config <- layer_reversible_embedding(input_dim = 10, output_dim = 3, mask_zero = TRUE,
    reverse_dtype = "float32", logit_soft_cap = 30)$get_config()
  expect_identical(config[c("input_dim", "output_dim", "mask_zero", "reverse_dtype", "logit_soft_cap")],
    list(input_dim = 10L, output_dim = 3L, mask_zero = TRUE, reverse_dtype = "float32", logit_soft_cap = 30))
  expect_every_argument_checked("layer_reversible_embedding", list(input_dim = 10, output_dim = 3))
  expect_error(layer_reversible_embedding(input_dim = 0, output_dim = 3), "`input_dim` must be a whole number >= 1",
    fixed = TRUE, class = "rkeras_arg_error"
  )

  ids <- matrix(c(1L, 2L), 1)
  err <- expect_error(layer_reversible_embedding(ids, input_dim = 3, output_dim = 2, reverse = TRUE),
    class = "rkeras_arg_error"
  )
  message <- cli::ansi_strip(conditionMessage(err))
  expect_match(message, "`reverse` is not an argument of `layer_reversible_embedding()`.", fixed = TRUE)
  expect_match(message, "create the layer, then call it with `layer(x, reverse = ...)`.", fixed = TRUE)
  err <- expect_error(
    layer_reversible_embedding(ids, input_dim = 3, output_dim = 2, reverse_dtype = "float32", reverse = TRUE),
    class = "rkeras_arg_error"
  )
  expect_match(cli::ansi_strip(conditionMessage(err)), "Unknown argument `reverse` in `...`.", fixed = TRUE)
  # The instance's call checks it.
  layer <- layer_reversible_embedding(input_dim = 3, output_dim = 2)
  hidden <- layer(ids)
  expect_error(layer(hidden, reverse = NA), "`reverse` must be", fixed = TRUE, class = "rkeras_arg_error")
})

test_that("layer_reversible_embedding() composes with keras_input() and a sequential model", {
  skip_if_no_keras()
  tokens <- keras_input(shape = 4, dtype = "int32")
  embedding <- layer_reversible_embedding(input_dim = 20, output_dim = 6)
  hidden <- embedding(tokens)
  expect_identical(shape(hidden), shape(NA, 4, 6))
  logits <- embedding(hidden, reverse = TRUE)
  expect_identical(shape(logits), shape(NA, 4, 20))
  model <- keras_model(tokens, logits)
  ids <- matrix(sample(0:19, 8, replace = TRUE), 2)
  expect_equal(predict(model, ids, verbose = 0), as.array(embedding(embedding(ids), reverse = TRUE)),
    tolerance = 1e-6
  )
  expect_identical(shape(layer_reversible_embedding(tokens, input_dim = 20, output_dim = 6)), shape(NA, 4, 6))

  model <- keras_model_sequential(input_shape = 4, input_dtype = "int32")
  layer_reversible_embedding(model, input_dim = 20, output_dim = 6, mask_zero = TRUE)
  expect_identical(dim(predict(model, ids, verbose = 0)), c(2L, 4L, 6L))
})

test_that("layer_pipeline() applies its layers in order, as Keras's Pipeline does", {
  skip_if_no_keras()
  set.seed(4)
  dense_1 <- layer_dense(units = 4, activation = "relu")
  dense_2 <- layer_dense(units = 2)
  x <- matrix(stats::runif(15), 3)
  ours <- layer_pipeline(list(dense_1, dense_2))(x)
  theirs <- misc_keras_layer("Pipeline", list(dense_1, dense_2))(misc_float32(x))
  expect_identical(dim(ours), c(3L, 2L))
  expect_equal(as.array(ours), as.array(theirs), tolerance = 1e-6)
  expect_equal(as.array(ours), as.array(dense_2(dense_1(x))), tolerance = 1e-6)

  # Training mode by default; `training = FALSE` reaches the layers through
  # `...` and through an instance's call.
  ones <- matrix(1, 4, 50)
  pipeline <- layer_pipeline(layers = list(layer_dropout(rate = 0.5, seed = 1)), name = "augment")
  expect_identical(pipeline$name, "augment")
  expect_true(any(as.array(pipeline(ones)) == 0))
  expect_equal(as.array(pipeline(ones, training = FALSE)), ones)
  # As in keras3, the wrapper only builds: its first argument is `layers`.
  expect_identical(names(formals(layer_pipeline))[[1]], "layers")
  positional <- layer_pipeline(list(layer_dropout(rate = 0.5)))
  expect_equal(as.array(positional(ones, training = FALSE)), ones)
  expect_error(pipeline(ones, training = "no"), "`training` must be", fixed = TRUE, class = "rkeras_arg_error")
})

test_that("layer_pipeline() refuses bad values, naming the argument", {
  skip_if_no_keras()
  expect_every_argument_checked("layer_pipeline", list(layers = list(layer_identity()), name = "p"))
  expect_error(layer_pipeline(layers = list(layer_identity(), "dense")), "`layers[[2]]` must be a Keras layer",
    fixed = TRUE, class = "rkeras_arg_error"
  )
})

test_that("layer_pipeline() composes with keras_input() and a sequential model", {
  skip_if_no_keras()
  inputs <- keras_input(shape = 5)
  outputs <- layer_pipeline(list(layer_gaussian_noise(stddev = 1), layer_dense(units = 3)))(inputs)
  expect_identical(shape(outputs), shape(NA, 3))
  model <- keras_model(inputs, outputs)
  x <- matrix(stats::runif(10), 2)
  # Inference: the noise is off, so predictions repeat.
  expect_equal(predict(model, x, verbose = 0), predict(model, x, verbose = 0))

  model <- keras_model_sequential(input_shape = 5)
  model$add(layer_pipeline(list(layer_dense(units = 3), layer_dropout(rate = 0.9))))
  expect_identical(dim(predict(model, x, verbose = 0)), c(2L, 3L))
  expect_length(model$layers, 1L)
  expect_s3_class(model$layers[[1]], "keras.src.layers.preprocessing.pipeline.Pipeline")
})
