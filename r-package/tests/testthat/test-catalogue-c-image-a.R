# The layer catalogue, image preprocessing group A: AugMix, AutoContrast,
# CutMix, Equalization, MixUp, RandAugment and the random brightness, color
# degeneration, color jitter, contrast, elastic transform, erasing, Gaussian
# blur, grayscale, hue and invert layers. For every wrapper, against Keras's
# class called directly through reticulate with the same arguments:
#   - the output shape, and the values where Keras is deterministic: in
#     inference mode (`training = FALSE`), for the layers that are not
#     random, and in training mode with a fixed seed (all but AugMix, which
#     draws its chains from Python's unseeded `random` module);
#   - R doubles reach Keras as ints where Keras wants them (read back from
#     the layer's config);
#   - a bad value of every argument is refused in R, naming it;
#   - the layer composes with keras_input() and with a sequential model.

# One case per wrapper: `r` the wrapper's arguments as an R user writes them
# (doubles), `py` the same arguments as Keras's class takes them from
# Python, `config` values the layer's get_config() must hold, `seeded` FALSE
# where a fixed seed does not make Keras's training-mode output repeatable.
image_a_case <- function(fn, class, r, py = r, config = list(), seeded = TRUE) {
  list(fn = fn, class = class, r = r, py = py, config = config, seeded = seeded)
}

image_a_cases <- function() {
  tuple <- reticulate::tuple
  list(
    image_a_case("layer_aug_mix", "AugMix",
      r = list(value_range = c(0, 255), num_chains = 2, chain_depth = 2, factor = 0.4, alpha = 0.5,
        all_ops = FALSE, interpolation = "nearest", seed = 7),
      py = list(value_range = tuple(0, 255), num_chains = 2L, chain_depth = 2L, factor = 0.4, alpha = 0.5,
        all_ops = FALSE, interpolation = "nearest", seed = 7L),
      config = list(num_chains = 2L, chain_depth = 2L, seed = 7L, all_ops = FALSE),
      seeded = FALSE
    ),
    image_a_case("layer_auto_contrast", "AutoContrast",
      r = list(value_range = c(0, 255)), py = list(value_range = tuple(0, 255))
    ),
    image_a_case("layer_cut_mix", "CutMix",
      r = list(factor = c(0.2, 0.8), seed = 7), py = list(factor = tuple(0.2, 0.8), seed = 7L),
      config = list(seed = 7L)
    ),
    image_a_case("layer_equalization", "Equalization",
      r = list(value_range = c(0, 255), bins = 64, data_format = "channels_last"),
      py = list(value_range = tuple(0, 255), bins = 64L, data_format = "channels_last"),
      config = list(bins = 64L)
    ),
    image_a_case("layer_mix_up", "MixUp",
      r = list(alpha = 0.4, seed = 7), py = list(alpha = 0.4, seed = 7L),
      config = list(seed = 7L)
    ),
    image_a_case("layer_rand_augment", "RandAugment",
      r = list(value_range = c(0, 255), num_ops = 3, factor = c(0.1, 0.4), interpolation = "nearest", seed = 7),
      py = list(value_range = tuple(0, 255), num_ops = 3L, factor = tuple(0.1, 0.4), interpolation = "nearest", seed = 7L),
      config = list(num_ops = 3L, seed = 7L)
    ),
    image_a_case("layer_random_brightness", "RandomBrightness",
      r = list(factor = c(-0.3, 0.4), value_range = c(0, 255), seed = 7),
      py = list(factor = tuple(-0.3, 0.4), value_range = tuple(0, 255), seed = 7L),
      config = list(seed = 7L)
    ),
    image_a_case("layer_random_color_degeneration", "RandomColorDegeneration",
      r = list(factor = 0.6, value_range = c(0, 255), seed = 7),
      py = list(factor = 0.6, value_range = tuple(0, 255), seed = 7L),
      config = list(seed = 7L)
    ),
    image_a_case("layer_random_color_jitter", "RandomColorJitter",
      r = list(brightness_factor = 0.2, contrast_factor = c(0.1, 0.3), saturation_factor = 0.6,
        hue_factor = 0.3, seed = 7),
      py = list(brightness_factor = 0.2, contrast_factor = tuple(0.1, 0.3), saturation_factor = 0.6,
        hue_factor = 0.3, seed = 7L),
      config = list(seed = 7L)
    ),
    image_a_case("layer_random_contrast", "RandomContrast",
      r = list(factor = 0.5, seed = 7), py = list(factor = 0.5, seed = 7L),
      config = list(seed = 7L)
    ),
    image_a_case("layer_random_elastic_transform", "RandomElasticTransform",
      r = list(factor = 1, scale = c(0.5, 1), interpolation = "nearest", fill_mode = "constant",
        fill_value = 3, seed = 7),
      py = list(factor = 1, scale = tuple(0.5, 1), interpolation = "nearest", fill_mode = "constant",
        fill_value = 3, seed = 7L),
      config = list(seed = 7L, fill_mode = "constant")
    ),
    image_a_case("layer_random_erasing", "RandomErasing",
      r = list(factor = 1, scale = c(0.1, 0.5), fill_value = c(10, 20, 30), seed = 7),
      py = list(factor = 1, scale = tuple(0.1, 0.5), fill_value = tuple(10, 20, 30), seed = 7L),
      config = list(seed = 7L)
    ),
    image_a_case("layer_random_gaussian_blur", "RandomGaussianBlur",
      r = list(factor = 1, kernel_size = c(5, 3), sigma = c(0.8, 1), seed = 7),
      py = list(factor = 1, kernel_size = tuple(5L, 3L), sigma = tuple(0.8, 1), seed = 7L),
      config = list(kernel_size = list(5L, 3L), seed = 7L)
    ),
    image_a_case("layer_random_grayscale", "RandomGrayscale",
      r = list(factor = 0.5, seed = 7), py = list(factor = 0.5, seed = 7L),
      config = list(factor = 0.5)
    ),
    image_a_case("layer_random_hue", "RandomHue",
      r = list(factor = c(0.2, 0.6), seed = 7), py = list(factor = tuple(0.2, 0.6), seed = 7L),
      config = list(seed = 7L)
    ),
    image_a_case("layer_random_invert", "RandomInvert",
      r = list(factor = 0.5, value_range = c(0, 255), seed = 7),
      py = list(factor = 0.5, value_range = tuple(0, 255), seed = 7L),
      config = list(seed = 7L)
    )
  )
}

# A batch of 4 RGB images of 6 x 5 pixels, values in [0, 255], as doubles.
image_a_images <- function(batch = 4) {
  array((seq_len(batch * 6 * 5 * 3) * 37) %% 256, c(batch, 6, 5, 3))
}

image_a_keras_layer <- function(case) {
  do.call(reticulate::import("keras")$layers[[case$class]], case$py)
}

test_that("image wrappers of group A give Keras's output: shape, inference values, seeded values", {
  skip_if_no_keras()
  keras <- reticulate::import("keras")
  x <- image_a_images()
  x_tensor <- keras$ops$convert_to_tensor(x, dtype = "float32")
  for (case in image_a_cases()) {
    # Inference mode: deterministic for every layer.
    ours <- do.call(case$fn, c(list(x), case$r, list(training = FALSE)))
    theirs <- image_a_keras_layer(case)(x_tensor, training = FALSE)
    expect_identical(dim(ours), c(4L, 6L, 5L, 3L), info = case$fn)
    expect_equal(as.array(ours), as.array(theirs), tolerance = 1e-5, info = case$fn)
    # Training mode (the default called directly): the same seed, the same draws.
    ours <- do.call(case$fn, c(list(x), case$r))
    theirs <- image_a_keras_layer(case)(x_tensor)
    expect_identical(dim(ours), dim(theirs), info = case$fn)
    if (case$seeded) {
      expect_equal(as.array(ours), as.array(theirs), tolerance = 1e-4, info = case$fn)
    }
  }
})

test_that("the layers that augment leave their input unchanged in inference mode", {
  skip_if_no_keras()
  x <- image_a_images()
  for (case in image_a_cases()) {
    if (case$fn == "layer_auto_contrast") next
    ours <- do.call(case$fn, c(list(x), case$r, list(training = FALSE)))
    expect_equal(as.array(ours), x, tolerance = 1e-6, info = case$fn)
  }
  # Auto-contrast is no augmentation: it stretches each channel to the range.
  y <- as.array(layer_auto_contrast(x, training = FALSE))
  expect_equal(apply(y, c(1, 4), min), matrix(0, 4, 3), tolerance = 1e-4)
  expect_equal(apply(y, c(1, 4), max), matrix(255, 4, 3), tolerance = 1e-4)
  expect_equal(as.array(layer_auto_contrast(x)), y)
})

test_that("what the augmentations do, on values that show it", {
  skip_if_no_keras()
  x <- image_a_images()
  # Always invert: every value v becomes 255 - v.
  expect_equal(as.array(layer_random_invert(x, factor = c(1, 1))), 255 - x, tolerance = 1e-5)
  # Grayscale keeps three equal channels; a probability of 0 changes nothing.
  gray <- as.array(layer_random_grayscale(x, factor = 1))
  expect_identical(dim(gray), dim(x))
  expect_equal(gray[, , , 1], gray[, , , 3], tolerance = 1e-4)
  expect_equal(as.array(layer_random_grayscale(x, factor = 0)), x, tolerance = 1e-6)
  # Fully degenerated colors are gray too.
  degenerated <- as.array(layer_random_color_degeneration(x, factor = c(1, 1)))
  expect_equal(degenerated[, , , 1], degenerated[, , , 2], tolerance = 1e-3)
  # Brightness and the augmentations keep to value_range.
  bright <- as.array(layer_random_brightness(x, factor = c(0.5, 0.5)))
  expect_true(all(bright >= 0 & bright <= 255))
  expect_true(any(bright == 255))
  scaled <- as.array(layer_rand_augment(x / 255, value_range = c(0, 1), seed = 3))
  expect_true(all(scaled >= 0 & scaled <= 1))
  # Erasing with a constant fills a patch of every image with it.
  erased <- as.array(layer_random_erasing(x + 1, factor = c(1, 1), fill_value = 0, seed = 2))
  expect_true(all(apply(erased == 0, 1, any)))
  # R integer arrays: Keras's RandomBrightness (with a value_range of
  # doubles) and RandomContrast refuse int32 images; their wrappers send them
  # as floats. The other layers take int32 images as they are.
  ints <- array(as.integer(x), dim(x))
  expect_equal(as.array(layer_random_brightness(ints, factor = 0.3, seed = 5)),
    as.array(layer_random_brightness(x, factor = 0.3, seed = 5)), tolerance = 1e-5)
  expect_equal(as.array(layer_random_contrast(ints, factor = 0.3, seed = 5)),
    as.array(layer_random_contrast(x, factor = 0.3, seed = 5)), tolerance = 1e-5)
  expect_identical(as.array(layer_random_grayscale(ints, factor = 0)), ints)
  expect_equal(as.array(layer_random_invert(ints, factor = c(1, 1))), 255 - x, tolerance = 1e-5)
  # A single image (3D) is taken as well.
  expect_identical(dim(layer_random_hue(x[1, , , ], factor = 0.5, seed = 1)), c(6L, 5L, 3L))
})

test_that("MixUp and CutMix mix the labels of a named list as Keras does", {
  skip_if_no_keras()
  keras <- reticulate::import("keras")
  x <- image_a_images()
  labels <- diag(4)
  for (case in image_a_cases()[c(3, 5)]) {
    ours <- do.call(case$fn, c(list(list(images = x, labels = labels)), case$r))
    theirs <- image_a_keras_layer(case)(reticulate::dict(
      images = keras$ops$convert_to_tensor(x, dtype = "float32"),
      labels = keras$ops$convert_to_tensor(labels, dtype = "float32")
    ))
    expect_setequal(names(ours), c("images", "labels"))
    expect_equal(as.array(ours$images), as.array(theirs$images), tolerance = 1e-4, info = case$fn)
    expect_equal(as.array(ours$labels), as.array(theirs$labels), tolerance = 1e-5, info = case$fn)
    # Mixed labels still sum to 1.
    expect_equal(rowSums(as.array(ours$labels)), rep(1, 4), tolerance = 1e-5, info = case$fn)
  }
})

test_that("image wrappers of group A hand Keras ints for R doubles, and pairs as tuples", {
  skip_if_no_keras()
  for (case in image_a_cases()) {
    config <- do.call(case$fn, case$r)$get_config()
    for (name in names(case$config)) {
      expect_identical(config[[name]], case$config[[name]], info = paste(case$fn, name))
    }
  }
  expect_identical(layer_random_gaussian_blur(kernel_size = 5)$get_config()$kernel_size, list(5L, 5L))
  expect_identical(layer_equalization()$get_config()$bins, 256L)
  layer <- layer_random_contrast(factor = c(0.2, 0.4))
  expect_equal(layer$get_config()$factor, list(0.2, 0.4))
  layer <- layer_random_erasing(fill_value = 5)
  expect_identical(layer$get_config()$fill_value, 5)
  value_range <- layer_auto_contrast(value_range = c(0, 1))$get_config()$value_range
  expect_identical(reticulate::import_builtins()$list(value_range), c(0, 1))
})

test_that("a bad value of each argument is refused, naming the argument", {
  skip_if_no_keras()
  for (case in image_a_cases()) {
    expect_every_argument_checked(case$fn, case$r)
  }
  # The ranges and options Keras requires.
  expect_error(layer_random_grayscale(factor = 1.5), "`factor` must be a number in [0, 1]",
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(layer_rand_augment(num_ops = -1), "`num_ops` must be a whole number >= 0",
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(layer_aug_mix(num_chains = -1), "`num_chains` must be a whole number >= 0",
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(layer_mix_up(alpha = -0.5), "`alpha` must be", fixed = TRUE, class = "rkeras_arg_error")
  expect_error(layer_aug_mix(interpolation = "bicubic"), '`interpolation` must be one of "nearest", "bilinear"',
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(layer_random_elastic_transform(fill_mode = "zeros"), "`fill_mode` must be one of",
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(layer_random_erasing(fill_value = NA), "`fill_value` must be", fixed = TRUE, class = "rkeras_arg_error")
  expect_error(layer_random_brightness(factor = 0.2, seed = 1.5), "`seed` must be a whole number",
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(layer_random_hue(factor = 0.2, data_format = "channels_middle"), "`data_format` must be one of",
    fixed = TRUE, class = "rkeras_arg_error"
  )
  # A required factor is required.
  expect_error(layer_random_brightness(), "factor")
  # What only Keras checks still reaches the caller as an error.
  expect_error(layer_random_gaussian_blur(kernel_size = 4), "odd")
  expect_error(layer_random_contrast(factor = 1.5), "factor")
})

test_that("image wrappers of group A compose with keras_input() and sequential models", {
  skip_if_no_keras()
  x <- image_a_images()
  for (case in image_a_cases()) {
    input <- keras_input(shape = c(6, 5, 3))
    output <- do.call(case$fn, c(list(input), case$r))
    expect_identical(unlist(output$shape), c(6L, 5L, 3L), info = case$fn)
    # Keras's Equalization returns a symbolic input as it is, which Keras
    # then cannot take as a model's output; another layer after it can be.
    if (case$fn == "layer_equalization") {
      expect_error(keras_model(input, output), "cycle", class = "rkeras_python_ValueError")
      next
    }
    model <- keras_model(input, output)
    expect_identical(length(model$layers), 2L, info = case$fn)
  }
  # predict() runs in inference mode: the augmentations leave the images as
  # they are, auto-contrast still stretches them.
  model <- keras_model_sequential(input_shape = c(6, 5, 3))
  layer_random_brightness(model, factor = 0.3, seed = 1)
  layer_random_invert(model, seed = 1)
  layer_random_gaussian_blur(model, seed = 1)
  layer_auto_contrast(model)
  expect_length(model$layers, 4L)
  expect_equal(predict(model, x, verbose = 0), as.array(layer_auto_contrast(x)), tolerance = 1e-4)
  model <- keras_model_sequential(input_shape = c(6, 5, 3))
  layer_cut_mix(model, seed = 1)
  layer_mix_up(model, seed = 1)
  layer_rand_augment(model, seed = 1)
  expect_equal(predict(model, x, verbose = 0), x, tolerance = 1e-5)
  # Equalization: in a sequential model built when it is first called, with
  # a layer after it (see above).
  model <- keras_model_sequential()
  layer_equalization(model)
  layer_random_contrast(model, factor = 0.2)
  expect_equal(predict(model, x, verbose = 0), x, tolerance = 1e-5)
  expect_error(layer_equalization(keras_model_sequential(input_shape = c(6, 5, 3))), "cycle",
    class = "rkeras_python_ValueError"
  )
})

test_that("channels_first images are augmented along their own axes", {
  skip_if_no_keras()
  x <- aperm(image_a_images(), c(1, 4, 2, 3))
  gray <- as.array(layer_random_grayscale(x, factor = 1, data_format = "channels_first"))
  expect_identical(dim(gray), c(4L, 3L, 6L, 5L))
  expect_equal(gray[, 1, , ], gray[, 3, , ], tolerance = 1e-4)
  keras <- reticulate::import("keras")
  ours <- layer_random_erasing(x, data_format = "channels_first", fill_value = 0, seed = 4)
  theirs <- keras$layers$RandomErasing(data_format = "channels_first", fill_value = 0, seed = 4L)(
    keras$ops$convert_to_tensor(x, dtype = "float32")
  )
  expect_equal(as.array(ours), as.array(theirs), tolerance = 1e-5)
})
