# The layer catalogue, group C, image preprocessing part B: cropping,
# resizing, rescaling, geometric and color augmentation. Every wrapper is
# checked against the Keras class called directly with the same arguments:
# the same config (R doubles reach Keras as ints where Keras wants ints), the
# same output shape on a symbolic input, and the same values on the same
# array. The random layers are given a seed and `training = TRUE`: Keras
# draws the same transformation for the same seed, so the values must agree
# too; with `training = FALSE` they return their input. Bad values of every
# argument stop in R with an error naming it.

# One case per wrapper: `r` its arguments as an R user writes them
# (doubles), `py` the same as Python takes them, `training` the value passed
# to the call (NULL: the layer has no such call argument, or it is omitted).
image_b_case <- function(fn, class, r, py, training = TRUE, ints = character()) {
  list(fn = fn, class = class, r = r, py = py, training = training, ints = ints)
}

image_b_cases <- function() {
  tuple <- reticulate::tuple
  list(
    image_b_case("layer_center_crop", "CenterCrop",
      r = list(height = 3, width = 4, data_format = "channels_last"),
      py = list(height = 3L, width = 4L, data_format = "channels_last"),
      training = NULL, ints = c("height", "width")
    ),
    image_b_case("layer_max_num_bounding_boxes", "MaxNumBoundingBoxes",
      r = list(max_number = 3, fill_value = -2, bounding_box_format = "xyxy"),
      py = list(max_number = 3L, fill_value = -2L, bounding_box_format = "xyxy"),
      training = NULL, ints = c("max_number", "fill_value")
    ),
    image_b_case("layer_random_crop", "RandomCrop",
      r = list(height = 3, width = 4, seed = 7),
      py = list(height = 3L, width = 4L, seed = 7L),
      ints = c("height", "width", "seed")
    ),
    image_b_case("layer_random_flip", "RandomFlip",
      r = list(mode = "horizontal", seed = 6), # flips both images
      py = list(mode = "horizontal", seed = 6L),
      ints = "seed"
    ),
    image_b_case("layer_random_perspective", "RandomPerspective",
      r = list(factor = c(0.5, 1), scale = 0.4, interpolation = "nearest", fill_value = 1, seed = 7),
      py = list(factor = tuple(0.5, 1), scale = 0.4, interpolation = "nearest", fill_value = 1, seed = 7L),
      ints = "seed"
    ),
    image_b_case("layer_random_posterization", "RandomPosterization",
      r = list(factor = c(2, 5), value_range = c(0, 255), seed = 7),
      py = list(factor = tuple(2L, 5L), value_range = tuple(0, 255), seed = 7L),
      ints = "seed"
    ),
    image_b_case("layer_random_rotation", "RandomRotation",
      r = list(factor = c(-0.2, 0.3), fill_mode = "constant", fill_value = 0.5, seed = 7),
      py = list(factor = tuple(-0.2, 0.3), fill_mode = "constant", fill_value = 0.5, seed = 7L),
      ints = "seed"
    ),
    image_b_case("layer_random_saturation", "RandomSaturation",
      r = list(factor = c(0.2, 0.8), seed = 7),
      py = list(factor = tuple(0.2, 0.8), seed = 7L),
      ints = "seed"
    ),
    image_b_case("layer_random_sharpness", "RandomSharpness",
      r = list(factor = 0.7, value_range = c(0, 255), seed = 7),
      py = list(factor = 0.7, value_range = tuple(0, 255), seed = 7L),
      ints = "seed"
    ),
    image_b_case("layer_random_shear", "RandomShear",
      r = list(x_factor = 0.3, y_factor = c(0.1, 0.2), fill_mode = "nearest", seed = 7),
      py = list(x_factor = 0.3, y_factor = tuple(0.1, 0.2), fill_mode = "nearest", seed = 7L),
      ints = "seed"
    ),
    image_b_case("layer_random_translation", "RandomTranslation",
      r = list(height_factor = 0.2, width_factor = c(-0.1, 0.3), fill_mode = "wrap", interpolation = "nearest", seed = 7),
      py = list(height_factor = 0.2, width_factor = tuple(-0.1, 0.3), fill_mode = "wrap", interpolation = "nearest", seed = 7L),
      ints = "seed"
    ),
    image_b_case("layer_random_zoom", "RandomZoom",
      r = list(height_factor = c(-0.3, 0.2), width_factor = 0.1, seed = 7),
      py = list(height_factor = tuple(-0.3, 0.2), width_factor = 0.1, seed = 7L),
      ints = "seed"
    ),
    image_b_case("layer_rescaling", "Rescaling",
      r = list(scale = c(1, 2, 3) / 255, offset = -1),
      py = list(scale = tuple(1 / 255, 2 / 255, 3 / 255), offset = -1),
      training = NULL
    ),
    image_b_case("layer_resizing", "Resizing",
      r = list(height = 4, width = 3, interpolation = "nearest", pad_to_aspect_ratio = TRUE, fill_value = 1),
      py = list(height = 4L, width = 3L, interpolation = "nearest", pad_to_aspect_ratio = TRUE, fill_value = 1),
      training = NULL, ints = c("height", "width")
    ),
    image_b_case("layer_solarization", "Solarization",
      r = list(addition_factor = c(0.1, 0.2), threshold_factor = 0.5, seed = 7),
      py = list(addition_factor = tuple(0.1, 0.2), threshold_factor = 0.5, seed = 7L),
      ints = "seed"
    )
  )
}

# Two 6 x 5 RGB images with values in [0, 255].
image_b_input <- function() {
  array((seq_len(2 * 6 * 5 * 3) * 37) %% 256, c(2, 6, 5, 3))
}

# The config as Python prints it, without the name: 2 and 2.0 differ, so a
# double that should have become an int shows.
image_b_config_repr <- function(layer) {
  config <- layer$get_config()
  config$name <- NULL
  reticulate::py_repr(reticulate::r_to_py(config))
}

image_b_call <- function(layer_or_fn, x, case, training = case$training) {
  if (is.function(layer_or_fn) && !inherits(layer_or_fn, "python.builtin.object")) {
    args <- c(list(x), case$r)
    if (!is.null(training)) args$training <- training
    return(do.call(layer_or_fn, args))
  }
  if (is.null(training)) layer_or_fn(x) else layer_or_fn(x, training = training)
}

test_that("every image wrapper matches the Keras class: config, output shape and values", {
  skip_if_no_keras()
  keras <- reticulate::import("keras")
  x <- image_b_input()
  for (case in image_b_cases()) {
    wrapper <- getExportedValue("rkeras", case$fn)
    keras_layer <- function() do.call(keras$layers[[case$class]], case$py)
    expect_identical(image_b_config_repr(do.call(wrapper, case$r)), image_b_config_repr(keras_layer()), info = case$fn)

    input <- keras_input(shape = c(6, 5, 3))
    expect_identical(format(shape(image_b_call(wrapper, input, case))),
      format(shape(image_b_call(keras_layer(), input, case))),
      info = case$fn
    )

    ours <- as.array(image_b_call(wrapper, x, case))
    theirs <- as.array(image_b_call(keras_layer(), keras$ops$convert_to_tensor(x, dtype = "float32"), case))
    expect_identical(dim(ours), dim(theirs), info = case$fn)
    expect_equal(ours, theirs, tolerance = 1e-5, info = case$fn)
    # With training = FALSE the augmentations return their input (next
    # test); RandomCrop's inference behaviour is compared with Keras's here.
    if (case$fn == "layer_random_crop") {
      ours <- as.array(image_b_call(wrapper, x, case, training = FALSE))
      theirs <- as.array(image_b_call(keras_layer(), x, case, training = FALSE))
      expect_equal(ours, theirs, tolerance = 1e-5, info = paste(case$fn, "training = FALSE"))
    }
  }
})

test_that("the augmentations transform in training and leave images alone otherwise", {
  skip_if_no_keras()
  x <- image_b_input()
  for (case in image_b_cases()) {
    if (is.null(case$training) || case$fn == "layer_random_crop") next
    wrapper <- getExportedValue("rkeras", case$fn)
    expect_false(isTRUE(all.equal(as.array(image_b_call(wrapper, x, case)), x)), info = case$fn)
    expect_equal(as.array(image_b_call(wrapper, x, case, training = FALSE)), x, tolerance = 1e-5, info = case$fn)
  }
  # Known values: solarization inverts every pixel by default, posterization
  # with c(n, n) keeps the n highest bits, rescaling is x * scale + offset.
  px <- array(c(0, 37, 100, 255), dim = c(1, 2, 2, 1))
  expect_equal(as.array(layer_solarization(px, training = TRUE)), 255 - px)
  expect_equal(as.array(layer_random_posterization(px, factor = c(2, 2), training = TRUE)),
    array(c(0, 0, 64, 192), dim = c(1, 2, 2, 1))
  )
  expect_equal(as.array(layer_rescaling(px, scale = 1 / 255, offset = -0.5)), px / 255 - 0.5, tolerance = 1e-6)
  expect_equal(as.array(layer_center_crop(array(1:16, c(1, 4, 4, 1)), height = 2, width = 2))[1, , , 1],
    matrix(c(6, 7, 10, 11), 2)
  )
})

test_that("whole doubles reach Keras as ints", {
  skip_if_no_keras()
  for (case in image_b_cases()) {
    layer <- do.call(case$fn, case$r)
    for (name in case$ints) {
      expect_identical(layer[[name]], case$py[[name]], info = paste(case$fn, name))
    }
  }
  expect_identical(layer_random_posterization(factor = c(2, 5))$factor, list(2L, 5L))
  expect_identical(layer_random_posterization(factor = 3)$factor, list(1L, 3L))
})

test_that("a bad value of each argument is refused, naming the argument", {
  skip_if_no_keras()
  for (case in image_b_cases()) {
    expect_every_argument_checked(case$fn, case$r)
  }
  # The ranges and choices Keras requires.
  expect_error(layer_center_crop(height = 0, width = 2), "`height` must be a whole number >= 1", fixed = TRUE, class = "rkeras_arg_error")
  expect_error(layer_random_perspective(scale = 1.5), "`scale` must be a number in [0, 1]", fixed = TRUE, class = "rkeras_arg_error")
  expect_error(layer_random_posterization(factor = 2.5), "`factor` must be one or more whole numbers", fixed = TRUE, class = "rkeras_arg_error")
  expect_error(layer_resizing(height = 2, width = 2, fill_mode = "reflect"), "`fill_mode` must be one of", fixed = TRUE, class = "rkeras_arg_error")
  expect_error(layer_max_num_bounding_boxes(max_number = 2, bounding_box_format = "xy"), "`bounding_box_format` must be one of",
    fixed = TRUE, class = "rkeras_arg_error"
  )
})

test_that("layer_max_num_bounding_boxes pads and truncates the boxes of a named list", {
  skip_if_no_keras()
  data <- list(
    images = array(0, dim = c(2, 8, 8, 3)),
    bounding_boxes = list(
      boxes = array(c(1, 2, 1, 2, 5, 6, 5, 6), dim = c(2, 2, 4)),
      labels = array(c(1, 1, 2, 2), dim = c(2, 2))
    )
  )
  out <- layer_max_num_bounding_boxes(data, max_number = 3, bounding_box_format = "xyxy")
  expect_identical(dim(out$images), c(2L, 8L, 8L, 3L))
  expect_identical(dim(out$bounding_boxes$boxes), c(2L, 3L, 4L))
  expect_equal(as.array(out$bounding_boxes$labels), array(c(1, 1, 2, 2, -1, -1), dim = c(2, 3)))
  expect_equal(as.array(out$bounding_boxes$boxes)[, 3, ], matrix(-1, 2, 4))
  short <- layer_max_num_bounding_boxes(data, max_number = 1, fill_value = 0, bounding_box_format = "xyxy")
  expect_equal(as.array(short$bounding_boxes$labels), array(c(1, 1), dim = c(2, 1)))
})

test_that("the image wrappers compose with sequential models and keras_input()", {
  skip_if_no_keras()
  model <- keras_model_sequential(input_shape = c(6, 5, 3)) |>
    layer_rescaling(scale = 1 / 255) |>
    layer_random_flip(seed = 1) |>
    layer_random_rotation(factor = 0.1, seed = 1) |>
    layer_random_translation(height_factor = 0.1, width_factor = 0.1, seed = 1) |>
    layer_random_zoom(height_factor = 0.1, seed = 1) |>
    layer_random_shear(x_factor = 0.1, seed = 1) |>
    layer_random_perspective(scale = 0.1, seed = 1) |>
    layer_random_saturation(factor = 0.5, value_range = c(0, 1), seed = 1) |>
    layer_random_sharpness(factor = 0.5, value_range = c(0, 1), seed = 1) |>
    layer_random_posterization(factor = 8, value_range = c(0, 1), seed = 1) |>
    layer_solarization(value_range = c(0, 1), threshold_factor = 1, seed = 1) |>
    layer_max_num_bounding_boxes(max_number = 2) |>
    layer_center_crop(height = 4, width = 4) |>
    layer_resizing(height = 8, width = 8)
  expect_length(model$layers, 14L)
  x <- image_b_input()
  y <- predict(model, x, verbose = 0)
  expect_identical(dim(y), c(2L, 8L, 8L, 3L))
  # In inference the augmentations do nothing: crop and resize of x / 255.
  expected <- as.array(layer_resizing(layer_center_crop(x / 255, 4, 4), 8, 8))
  expect_equal(y, expected, tolerance = 1e-5)

  input <- keras_input(shape = c(6, 5, 3))
  output <- input |> layer_random_crop(height = 4, width = 4, seed = 1) |> layer_resizing(height = 2, width = 3)
  expect_identical(format(shape(output)), format(shape(layer_resizing(keras_input(shape = c(4, 4, 3)), 2, 3))))
  functional <- keras_model(input, output)
  expect_identical(dim(functional(x, training = TRUE)), c(2L, 2L, 3L, 3L))
})
