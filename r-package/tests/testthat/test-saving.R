# Saved models travel: a file rkeras writes loads in plain Python Keras (no
# rkeras_backend there), and one plain Keras writes loads in rkeras, each
# checked in a fresh process; and a failed save never replaces a good file.

# R arrays to and from text in C order, which NumPy reads and writes; 17
# significant digits carry a double (and so a float32 widened to one) exactly.
write_c_order <- function(x, path) {
  writeLines(formatC(as.vector(aperm(x)), digits = 17, format = "g"), path)
}

read_c_order <- function(path, dims) {
  aperm(array(as.numeric(readLines(path)), rev(dims)))
}

test_that("a failed save leaves the file that was there intact, and no partial file", {
  skip_if_no_keras()
  directory <- tempfile("saving-")
  dir.create(directory)
  path <- file.path(directory, "model.keras")
  input <- keras_input(shape = c(4, 3))
  good <- keras_model(input, layer_attention(list(input, input), use_scale = TRUE))
  save_model(good, path)
  before <- unname(tools::md5sum(path))

  # A layer whose weights cannot be written, as when the disk fills up
  # half-way through: Keras has already opened the target by then.
  reticulate::py_run_string(paste(
    "import keras",
    "class FailingWrite(keras.layers.Layer):",
    "    def build(self, input_shape):",
    "        self.w = self.add_weight(shape=(), initializer='ones')",
    "    def call(self, x):",
    "        return x * self.w",
    "    def save_own_variables(self, store):",
    "        raise OSError('No space left on device')",
    sep = "\n"
  ))
  failing_layer <- reticulate::py_eval("FailingWrite()")
  bad <- keras_model(input, failing_layer(input))
  err <- expect_error(save_model(bad, path, overwrite = TRUE), class = "rkeras_python_error")
  expect_match(conditionMessage(err), "No space left on device", fixed = TRUE)
  expect_identical(unname(tools::md5sum(path)), before)
  expect_identical(list.files(directory, all.files = TRUE, no.. = TRUE), "model.keras")
  expect_s3_class(load_model(path), "keras.src.models.model.Model")

  # What rkeras guards against: Keras writing straight to the target.
  direct <- file.path(directory, "direct.keras")
  file.copy(path, direct)
  expect_error(bad$save(direct, overwrite = TRUE))
  expect_false(identical(unname(tools::md5sum(direct)), before))

  expect_error(save_model(good, file.path(directory, "missing", "m.keras")), "must be in an existing directory", fixed = TRUE)
  expect_error(save_model(good, path, overwrite = NA), "`overwrite` must be", fixed = TRUE)
})

test_that("save_model() returns the bytes without a path, writes an unzipped directory with zipped = FALSE, and load_model() reads both", {
  skip_if_no_keras()
  input <- keras_input(shape = c(3, 2))
  model <- keras_model(input, layer_attention(list(input, input)))
  x <- array(runif(12), c(2, 3, 2))
  expected <- predict(model, x, verbose = 0)
  bytes <- save_model(model)
  expect_type(bytes, "raw")
  expect_identical(bytes[1:2], charToRaw("PK"))
  expect_equal(predict(load_model(bytes), x, verbose = 0), expected, tolerance = 1e-6)
  dir <- tempfile("unzipped")
  on.exit(unlink(dir, recursive = TRUE), add = TRUE)
  expect_identical(save_model(model, dir, zipped = FALSE), model)
  expect_true(dir.exists(dir))
  expect_equal(predict(load_model(dir), x, verbose = 0), expected, tolerance = 1e-6)
  expect_error(save_model(model, dir, zipped = FALSE), "already exists", fixed = TRUE)
  save_model(model, dir, zipped = FALSE, overwrite = TRUE)
  expect_equal(predict(load_model(dir), x, verbose = 0), expected, tolerance = 1e-6)
  expect_identical(list.files(dirname(dir), pattern = paste0("^\\.", basename(dir))), character())
  expect_error(save_model(model, zipped = FALSE), "`zipped = FALSE` needs a `filepath`", fixed = TRUE)
  expect_error(save_model(model, tempfile(fileext = ".keras"), zipped = NA),
    "`zipped` must be `TRUE` or `FALSE` or `NULL`", fixed = TRUE)
  expect_error(load_model(tempfile(fileext = ".keras")), "or a raw vector", fixed = TRUE)
})

test_that("saved models travel: rkeras to plain Python Keras, and plain Keras to rkeras, in fresh processes", {
  skip_if_no_keras()
  skip_on_cran()
  set.seed(9)
  directory <- tempfile("travel-")
  dir.create(directory)
  query <- keras_input(shape = c(4, 3), name = "query")
  value <- keras_input(shape = c(5, 3), name = "value")
  hidden <- layer_attention(list(query, value), use_scale = TRUE, score_mode = "concat", use_causal_mask = TRUE)
  output <- layer_attention(list(hidden, value), use_scale = TRUE)
  model <- keras_model(list(query, value), output)
  # Weights away from their initial ones, so a file that lost them would show.
  for (weight in model$weights) weight$assign(as.vector(as.array(weight)) * 1.3)
  # A file saved by rkeras names Keras's own class.
  saved <- file.path(directory, "rkeras.keras")
  save_model(model, saved)
  x <- list(random_array(2, 4, 3), random_array(2, 5, 3))
  expected <- predict(model, x, verbose = 0)
  write_c_order(x[[1]], file.path(directory, "q.txt"))
  write_c_order(x[[2]], file.path(directory, "v.txt"))

  # Plain Python Keras, in a process where rkeras_backend cannot be imported
  # (None in sys.modules) and is not on the path, loads the rkeras file, and
  # saves a model of its own for the other direction.
  python <- file.path(directory, "plain.py")
  writeLines(c(
    "import sys",
    "sys.modules['rkeras_backend'] = None",
    "import numpy as np, keras",
    "d = sys.argv[1]",
    "q = np.loadtxt(d + '/q.txt').reshape(2, 4, 3)",
    "v = np.loadtxt(d + '/v.txt').reshape(2, 5, 3)",
    "m = keras.saving.load_model(d + '/rkeras.keras')",
    "kinds = {type(l).__module__ + '.' + type(l).__name__ for l in m.layers if 'ttention' in type(l).__name__}",
    "assert kinds == {'keras.src.layers.attention.attention.Attention'}, kinds",
    "assert not [n for n, mod in sys.modules.items() if n.startswith('rkeras') and mod is not None]",
    "np.savetxt(d + '/from_rkeras.txt', m.predict([q, v], verbose=0).ravel().astype('float64'), fmt='%.17g')",
    "qi, vi = keras.Input((4, 3)), keras.Input((5, 3))",
    "plain = keras.Model([qi, vi], keras.layers.Attention(use_scale=True)([qi, vi], use_causal_mask=True))",
    "plain.set_weights([w * 0.7 for w in plain.get_weights()])",
    "plain.save(d + '/plain.keras')",
    "np.savetxt(d + '/plain.txt', plain.predict([q, v], verbose=0).ravel().astype('float64'), fmt='%.17g')"
  ), python)
  python_out <- suppressWarnings(system2(
    reticulate::py_config()$python, c(shQuote(python), shQuote(directory)),
    stdout = TRUE, stderr = TRUE, env = "PYTHONPATH="
  ))
  expect_null(attr(python_out, "status"), info = paste(python_out, collapse = "\n"))
  from_rkeras <- read_c_order(file.path(directory, "from_rkeras.txt"), dim(expected))
  expect_identical(from_rkeras, expected)

  # rkeras, in a fresh R session, loads the plain Keras file with its own
  # attention layer in place of Keras's.
  script <- file.path(directory, "load.R")
  writeLines(c(
    "library(rkeras)",
    "args <- commandArgs(trailingOnly = TRUE)",
    "x <- readRDS(args[[2]])",
    "model <- load_model(file.path(args[[1]], 'plain.keras'))",
    "kinds <- vapply(model$layers, function(l) class(l)[[1]], '')",
    "saveRDS(list(kinds = kinds, predicted = predict(model, x, verbose = 0)), args[[3]])"
  ), script)
  inputs <- file.path(directory, "x.rds")
  saveRDS(x, inputs)
  result_path <- file.path(directory, "result.rds")
  r_out <- suppressWarnings(system2(
    file.path(R.home("bin"), "Rscript"), shQuote(c(script, directory, inputs, result_path)),
    stdout = TRUE, stderr = TRUE
  ))
  expect_null(attr(r_out, "status"), info = paste(r_out, collapse = "\n"))
  result <- readRDS(result_path)
  # rkeras's layer: its class says it is keras.layers.Attention, the name its
  # files carry; Keras's own is keras.src.layers.attention.attention.Attention.
  expect_true("keras.layers.Attention" %in% result$kinds)
  expect_identical(result$predicted, read_c_order(file.path(directory, "plain.txt"), dim(expected)))
})

test_that("a compiled, trained model keeps its optimizer state, loss and metrics through save and load", {
  skip_if_no_keras()
  set.seed(4)
  input <- keras_input(shape = c(6, 4))
  output <- layer_attention(list(input, input), use_scale = TRUE, score_mode = "concat")
  model <- keras_model(input, output)
  compile(model, optimizer = "adam", loss = "mse", metrics = "mae")
  x <- random_array(8, 6, 4)
  fit(model, x, x, epochs = 2, batch_size = 4, verbose = 0)
  path <- tempfile(fileext = ".keras")
  save_model(model, path)
  reloaded <- load_model(path)

  state <- function(m) lapply(m$optimizer$variables, function(v) as.array(v$numpy()))
  expect_identical(as.integer(state(reloaded)[[1]]), 4L) # iterations: 2 epochs of 2 batches
  expect_identical(state(reloaded), state(model))
  expect_identical(evaluate(reloaded, x, x, verbose = 0), evaluate(model, x, x, verbose = 0))
  expect_identical(reloaded$optimizer$`__class__`$`__name__`, "Adam")

  # The loaded layer is rkeras's, and its calls are checked as any layer_attention()'s.
  layer <- reloaded$layers[[2]]
  expect_identical(class(layer)[[1]], "keras.layers.Attention")
  expect_error(layer(list(x, x), use_causal = TRUE), "Did you mean `use_causal_mask`?", fixed = TRUE, class = "rkeras_arg_error")
})
