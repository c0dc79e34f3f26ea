# Layer(): custom layers written in R, in keras3's form. They compose like
# every layer function, train, save and reload in this session and, once
# defined again, in a fresh R session; defining one does not start Python.

layer_scale <- Layer("Scale",
  initialize = function(factor, ...) {
    super$initialize(...)
    self$factor <- factor
  },
  call = function(x) x * self$factor
)

# A weight made in build(), a configuration of its own, and a call that
# takes `training`, which Keras passes only to a call that names it.
layer_affine <- Layer("Affine",
  initialize = function(units = 2, offset = 0, ...) {
    super$initialize(...)
    self$units <- as.integer(units)
    self$offset <- offset
  },
  build = function(input_shape) {
    self$kernel <- self$add_weight(
      shape = shape(input_shape[[length(input_shape)]], self$units),
      initializer = "ones", name = "kernel"
    )
  },
  call = function(inputs, training = NULL) {
    self$seen_training <- isTRUE(training)
    keras_module()$ops$matmul(inputs, self$kernel) + self$offset
  },
  get_config = function() {
    config <- super$get_config()
    config$units <- self$units
    config$offset <- self$offset
    config
  }
)

test_that("Layer() returns a layer function that composes like every wrapper", {
  skip_if_no_keras()
  expect_identical(names(formals(layer_scale)), c("object", "factor", "..."))

  layer <- layer_scale(factor = 3)
  expect_s3_class(layer, "keras.src.layers.layer.Layer")
  expect_identical(class(layer)[[1]], "rkeras_custom.Scale")
  expect_identical(layer$factor, 3)
  expect_identical(layer$get_config()$factor, 3)
  expect_identical(layer_scale(NULL, factor = 2)$factor, 2)

  m <- matrix(c(1, 2, 3, 4, 5, 6), 2)
  expect_equal(as.array(layer_scale(m, factor = 10)), m * 10)
  expect_equal(as.array(layer_scale(m, 10)), m * 10)
  expect_equal(as.array(layer(m)), m * 3)

  model <- keras_model_sequential(input_shape = 3)
  expect_invisible(out <- model |> layer_scale(factor = 2))
  expect_identical(out, model)
  expect_length(model$layers, 1L)
  expect_equal(predict(model, m, verbose = 0), m * 2)

  input <- keras_input(shape = 3)
  output <- input |> layer_scale(factor = 4)
  expect_s3_class(output, "keras.src.backend.common.keras_tensor.KerasTensor")
  expect_equal(predict(keras_model(input, output), m, verbose = 0), m * 4)
})

test_that("a layer with weights from build() trains, and get_config() recreates it", {
  skip_if_no_keras()
  set.seed(1)
  layer <- layer_affine(units = 1, offset = 0.5)
  x <- matrix(runif(64 * 3), ncol = 3)
  expect_equal(as.array(layer(x)), x %*% matrix(1, 3, 1) + 0.5, tolerance = 1e-6)
  expect_length(layer$trainable_weights, 1L)
  expect_identical(layer$get_config()$units, 1L)
  expect_identical(layer$get_config()$offset, 0.5)

  input <- keras_input(shape = 3)
  model <- keras_model(input, layer_affine(input, units = 1))
  compile(model, optimizer = keras_module()$optimizers$SGD(learning_rate = 0.1), loss = "mse")
  y <- x %*% c(0.5, -1, 2)
  before <- evaluate(model, x, y, verbose = 0)$loss
  history <- fit(model, x, y, epochs = 20, batch_size = 16, verbose = 0)
  after <- evaluate(model, x, y, verbose = 0)$loss
  expect_lt(after, before / 4)
  expect_false(isTRUE(all.equal(as.array(model$layers[[2]]$kernel), matrix(1, 3, 1))))

  # Keras passes `training` because the R call names it.
  layer(x, training = TRUE)
  expect_true(layer$seen_training)
  layer(x)
  expect_false(layer$seen_training)
})

test_that("a model with custom layers saves and reloads with the same outputs", {
  skip_if_no_keras()
  set.seed(2)
  input <- keras_input(shape = 3)
  output <- input |> layer_affine(units = 2, offset = 1) |> layer_scale(factor = 0.5)
  model <- keras_model(input, output)
  compile(model, optimizer = "sgd", loss = "mse")
  x <- matrix(runif(32 * 3), ncol = 3)
  fit(model, x, matrix(runif(64), ncol = 2), epochs = 2, verbose = 0)
  path <- tempfile(fileext = ".keras")
  save_model(model, path)

  reloaded <- load_model(path)
  expect_equal(predict(reloaded, x, verbose = 0), predict(model, x, verbose = 0), tolerance = 1e-6)
  expect_identical(class(reloaded$layers[[2]])[[1]], "rkeras_custom.Affine")
  expect_identical(reloaded$layers[[2]]$get_config()$offset, 1)
  expect_identical(reloaded$layers[[3]]$factor, 0.5)
})

test_that("a saved model reloads in a fresh R session once the classes are defined again, which starts no Python", {
  skip_if_no_keras()
  skip_on_cran()
  set.seed(3)
  directory <- tempfile("custom-fresh-")
  dir.create(directory)
  path <- file.path(directory, "model.keras")
  input <- keras_input(shape = 3)
  model <- keras_model(input, input |> layer_affine(units = 2, offset = 1) |> layer_scale(factor = 3))
  x <- matrix(runif(4 * 3), ncol = 3)
  save_model(model, path)
  expected <- predict(model, x, verbose = 0)
  saveRDS(x, file.path(directory, "x.rds"))

  script <- file.path(directory, "fresh.R")
  writeLines(c(
    "library(rkeras)",
    "layer_scale <- Layer('Scale',",
    "  initialize = function(factor, ...) { super$initialize(...); self$factor <- factor },",
    "  call = function(x) x * self$factor)",
    "layer_affine <- Layer('Affine',",
    "  initialize = function(units = 2, offset = 0, ...) {",
    "    super$initialize(...); self$units <- as.integer(units); self$offset <- offset },",
    "  build = function(input_shape) self$kernel <- self$add_weight(",
    "    shape = shape(input_shape[[length(input_shape)]], self$units), name = 'kernel'),",
    "  call = function(inputs, training = NULL) keras_ops_matmul(inputs, self$kernel) + self$offset,",
    "  get_config = function() { config <- super$get_config()",
    "    config$units <- self$units; config$offset <- self$offset; config })",
    "keras_ops_matmul <- function(a, b) reticulate::import('keras')$ops$matmul(a, b)",
    "cat('python started by Layer():', reticulate::py_available(), '\\n')",
    sprintf("model <- load_model('%s')", path),
    sprintf("x <- readRDS('%s')", file.path(directory, "x.rds")),
    sprintf("saveRDS(predict(model, x, verbose = 0), '%s')", file.path(directory, "out.rds"))
  ), script)
  log <- file.path(directory, "log.txt")
  status <- system2(file.path(R.home("bin"), "Rscript"), c("--vanilla", shQuote(script)), stdout = log, stderr = log)
  output <- readLines(log)
  expect_identical(status, 0L, info = paste(output, collapse = "\n"))
  expect_true("python started by Layer(): FALSE " %in% output, info = paste(output, collapse = "\n"))
  expect_equal(readRDS(file.path(directory, "out.rds")), expected, tolerance = 1e-6)
})

test_that("defining a class again under the same name replaces it", {
  skip_if_no_keras()
  layer_offset <- Layer("Offset", call = function(x) x + 1)
  expect_equal(as.array(layer_offset(matrix(0, 1, 2))), matrix(1, 1, 2))
  layer_offset <- Layer("Offset", call = function(x) x + 2)
  expect_equal(as.array(layer_offset(matrix(0, 1, 2))), matrix(2, 1, 2))

  input <- keras_input(shape = 2)
  path <- tempfile(fileext = ".keras")
  save_model(keras_model(input, layer_offset(input)), path)
  expect_equal(predict(load_model(path), matrix(0, 1, 2), verbose = 0), matrix(2, 1, 2))
})

test_that("methods see the variables where they were written, and extra methods and fields", {
  skip_if_no_keras()
  shift <- 5
  layer_shift <- Layer("Shift",
    call = function(x) x + shift * self$sign,
    compute_output_shape = function(input_shape) input_shape,
    sign = -1
  )
  layer <- layer_shift()
  expect_equal(as.array(layer(matrix(0, 1, 2))), matrix(-5, 1, 2))
  expect_identical(layer$sign, -1)
  expect_identical(layer$compute_output_shape(list(NULL, 2L)), list(NULL, 2L))
})

test_that("Layer() takes keras3's public and parent_env", {
  skip_if_no_keras()
  settings <- new.env()
  settings$offset <- 10
  layer_offset <- Layer("Offset",
    public = list(call = function(x) x + offset + self$extra, extra = 1),
    parent_env = settings
  )
  expect_equal(as.array(layer_offset(matrix(0, 1, 2))), matrix(11, 1, 2))
  expect_error(Layer("Offset", call = function(x) x, public = list(call = function(x) x)),
    "`call` is given twice", fixed = TRUE)
  expect_error(Layer("Offset", public = "call"), "`public` must be a named list", fixed = TRUE)
  expect_error(Layer("Offset", parent_env = list()), "`parent_env` must be an environment", fixed = TRUE)
})

test_that("Layer(inherit =) extends a class made by Layer(), an rkeras layer function or a Keras class", {
  skip_if_no_keras()
  layer_scale <- Layer("Scale",
    initialize = function(factor = 2, ...) {
      super$initialize(...)
      self$factor <- factor
    },
    call = function(x) x * self$factor,
    private = list(calls = 0)
  )
  # The child keeps the parent's initialize, and calls the parent's call.
  layer_scale_shift <- Layer("ScaleShift",
    call = function(x) super$call(x) + private$shift,
    private = list(shift = 1),
    inherit = layer_scale
  )
  x <- matrix(1:4, 2)
  expect_equal(as.array(layer_scale_shift(x, factor = 3)), x * 3 + 1)
  classes <- class(layer_scale_shift())
  expect_match(classes[[1]], "ScaleShift", fixed = TRUE)
  expect_match(classes[[2]], "Scale", fixed = TRUE)

  # A Keras class, from an rkeras function or from Python.
  layer_dense_plus <- Layer("DensePlus", call = function(x) super$call(x) + 100, inherit = layer_dense)
  out <- as.array(layer_dense_plus(x, units = 1L, kernel_initializer = "zeros"))
  expect_equal(out, matrix(100, 2, 1))
  layer_relu_minus <- Layer("ReluMinus",
    call = function(x) super$call(x) - 1,
    inherit = reticulate::import("keras")$layers$ReLU
  )
  expect_equal(as.array(layer_relu_minus(matrix(c(-1, 2), 1))), matrix(c(-1, 1), 1))

  # Saved and reloaded, the child and its R-defined parent come back.
  input <- keras_input(shape = 2)
  model <- keras_model(input, layer_scale_shift(input, factor = 5))
  path <- tempfile(fileext = ".keras")
  save_model(model, path)
  expect_equal(predict(load_model(path), x, verbose = 0), x * 5 + 1)

  expect_error(Layer("Bad", inherit = "layer_dense"), "`inherit` must be `NULL`, a function made by `Layer()`", fixed = TRUE)
  expect_error(Layer("Bad", inherit = mean), "`inherit` must be", fixed = TRUE)
  # A definition Python refuses fails where it is used, and does not stop
  # load_model() from reading other files.
  layer_refused <- Layer("Refused", call = function(x, kwargs) x)
  expect_error(layer_refused(), "cannot be a Python argument name", class = "rkeras_python_error")
  expect_equal(predict(load_model(path), x, verbose = 0), x * 5 + 1)
  expect_error(Layer("BadParent", inherit = reticulate::import("keras")$callbacks$Callback),
    "`inherit` must be `NULL`, a function made by `Layer()`, an rkeras layer function or a Keras layer class, not",
    fixed = TRUE)
})

test_that("each layer has its own private environment, seeded from `private`, whose functions see self", {
  skip_if_no_keras()
  layer_counter <- Layer("Counter",
    call = function(x) x,
    tick = function() {
      private$count <- private$count + 1
      private$describe()
    },
    private = list(count = 0, describe = function() paste(self$name, private$count))
  )
  first <- layer_counter(name = "first")
  second <- layer_counter(name = "second")
  expect_identical(first$tick(), "first 1")
  expect_identical(first$tick(), "first 2")
  expect_identical(second$tick(), "second 1")
  # Keras and Python never see it.
  expect_false("count" %in% names(first$get_config()))
  expect_false(reticulate::py_has_attr(first, "count"))
  expect_error(Layer("Counter", private = list(1)), "`private` must be a list of uniquely named values", fixed = TRUE)
  expect_error(Layer("Counter", private = "count"), "`private` must be a list of uniquely named values", fixed = TRUE)

  # The environments of collected layers are dropped.
  envs <- rkeras:::the$private_envs
  ids <- c(rkeras:::custom_module()$private_id(first), rkeras:::custom_module()$private_id(second))
  expect_true(all(ids %in% ls(envs)))
  rm(first, second)
  invisible(gc())
  reticulate::import("gc")$collect()
  third <- layer_counter(name = "third")
  expect_identical(third$tick(), "third 1")
  expect_false(any(ids %in% ls(envs)))

  # A copy starts from `private` again, and leaves the original's alone.
  copy <- reticulate::import("copy")$deepcopy(third)
  expect_identical(copy$tick(), "third 1")
  expect_identical(third$tick(), "third 2")
})

test_that("bad definitions are refused where Layer() is called, without Python", {
  expect_error(Layer(c("A", "B")), class = "rkeras_arg_error")
  expect_error(Layer("1Scale"), "`classname` must be a valid Python class name", fixed = TRUE)
  expect_error(Layer("Scale", call = "x * 2"), "`call` must be an R function or `NULL`, not the string \"x * 2\"", fixed = TRUE)
  expect_error(Layer("Scale", call = function(x.y) x.y), "\"x.y\" is not a valid Python argument", fixed = TRUE)
  expect_error(Layer("Scale", initialize = function(object, ...) NULL), "cannot have an argument called `object`", fixed = TRUE)
  expect_error(Layer("Scale", function(x) x, function(x) x, NULL, NULL, function(x) x), "must be named", fixed = TRUE)
})

test_that("errors in use name what went wrong, with no Python traceback", {
  skip_if_no_keras()
  expect_error(layer_scale(NULL, factor = 2, 3), "Every argument in `...` must be named", fixed = TRUE)
  expect_error(layer_scale("a", factor = 2), "`object` must be a tensor", fixed = TRUE)

  # An R error inside a method reaches the user as one R error.
  layer_broken <- Layer("Broken", call = function(x) stop("the call went wrong"))
  err <- expect_error(layer_broken(matrix(1, 1, 2)), class = "rkeras_python_error")
  expect_match(conditionMessage(err), "the call went wrong", fixed = TRUE)
  expect_no_match(conditionMessage(err), "Traceback|File \"")

  # A missing constructor argument is R's own error, raised from initialize.
  err <- expect_error(layer_scale(), class = "rkeras_python_error")
  expect_match(conditionMessage(err), "argument \"factor\" is missing", fixed = TRUE)
})
