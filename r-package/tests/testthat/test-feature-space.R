# layer_feature_space() and the feature_*() functions (FeatureSpace and its
# static methods), against Keras's FeatureSpace driven through reticulate.

# One case per feature function: its arguments as an R user writes them
# (doubles), and the static method of keras.utils.FeatureSpace with the same
# arguments as Python takes them. Explicit names keep Keras from numbering
# the preprocessing layers, so the two configs compare equal.
# A function, so that sourcing the file never starts Python.
feature_cases <- function() list(
  feature_float = list(r = list(name = "f"), py = "float", py_args = list(name = "f")),
  feature_float_normalized = list(r = list(name = "f"), py = "float_normalized", py_args = list(name = "f")),
  feature_float_rescaled = list(
    r = list(scale = 2, offset = -1, name = "f"), py = "float_rescaled",
    py_args = list(scale = 2, offset = -1, name = "f")
  ),
  feature_float_discretized = list(
    r = list(num_bins = 4, output_mode = "int", name = "f"), py = "float_discretized",
    py_args = list(num_bins = 4L, output_mode = "int", name = "f")
  ),
  feature_integer_categorical = list(
    r = list(max_tokens = 10, num_oov_indices = 2, output_mode = "float", name = "f"),
    py = "integer_categorical",
    py_args = list(max_tokens = 10L, num_oov_indices = 2L, output_mode = "float", name = "f")
  ),
  feature_string_categorical = list(
    r = list(max_tokens = 10, num_oov_indices = 0, name = "f"), py = "string_categorical",
    py_args = list(max_tokens = 10L, num_oov_indices = 0L, name = "f")
  ),
  feature_integer_hashed = list(
    r = list(num_bins = 8, output_mode = "int", name = "f"), py = "integer_hashed",
    py_args = list(num_bins = 8L, output_mode = "int", name = "f")
  ),
  feature_string_hashed = list(
    r = list(num_bins = 8, name = "f"), py = "string_hashed", py_args = list(num_bins = 8L, name = "f")
  ),
  feature_cross = list(
    r = list(feature_names = c("a", "b"), crossing_dim = 16, output_mode = "int"), py = "cross",
    py_args = list(feature_names = list("a", "b"), crossing_dim = 16L, output_mode = "int")
  )
)

feature_space_class <- function() reticulate::import("keras")$utils$FeatureSpace

# The values of a tensor, or of a named list of them, as R arrays.
encoded_values <- function(x) {
  if (is.list(x) && !inherits(x, "python.builtin.object")) lapply(x, as.array) else as.array(x)
}

test_that("each feature function gives the config of Keras's static method with the same arguments", {
  skip_if_no_keras()
  cls <- feature_space_class()
  for (fn in names(feature_cases())) {
    case <- feature_cases()[[fn]]
    ours <- do.call(getExportedValue("rkeras", fn), case$r)
    theirs <- do.call(cls[[case$py]], case$py_args)
    expect_identical(ours$get_config(), theirs$get_config(), info = fn)
  }
  # Doubles reach Keras as ints, which its preprocessing layers keep.
  config <- feature_integer_categorical(max_tokens = 10, num_oov_indices = 2)$get_config()
  expect_identical(config$preprocessor$config$max_tokens, 10L)
  expect_identical(config$preprocessor$config$num_oov_indices, 2L)
  expect_identical(feature_string_hashed(8)$get_config()$preprocessor$config$num_bins, 8L)
  expect_identical(feature_cross(c("a", "b"), 16)$get_config()$crossing_dim, 16L)

  bins <- feature_float_discretized(NULL, bin_boundaries = c(0, 1, 2), name = "f")
  expect_identical(
    bins$get_config(),
    cls$float_discretized(NULL, bin_boundaries = list(0, 1, 2), name = "f")$get_config()
  )

  vectorizer <- layer_text_vectorization(output_mode = "tf_idf", name = "tv")
  expect_identical(
    feature_custom("string", vectorizer, "float")$get_config(),
    cls$feature("string", vectorizer, "float")$get_config()
  )
})

test_that("a bad value of each feature function's argument is refused in R, naming it", {
  skip_if_no_keras()
  for (fn in names(feature_cases())) {
    expect_every_argument_checked(fn, feature_cases()[[fn]]$r)
  }
  expect_every_argument_checked(
    "feature_custom",
    list(dtype = "string", preprocessor = layer_text_vectorization(), output_mode = "float")
  )
  # What Keras would refuse later, or not at all, stops here.
  expect_error(feature_cross(c("a", "b"), crossing_dim = 4, output_mode = "float"), "`output_mode` must be",
    class = "rkeras_arg_error"
  )
  expect_error(feature_integer_categorical(max_tokens = 1), "`max_tokens` must be", class = "rkeras_arg_error")
  expect_error(feature_string_hashed(num_bins = 0), "`num_bins` must be", class = "rkeras_arg_error")
  expect_error(feature_cross(c("a", NA), 4), "`feature_names` must be", class = "rkeras_arg_error")
  expect_error(feature_float_discretized(), "`num_bins` is missing", class = "rkeras_arg_error")
})

test_that("a bad value of each layer_feature_space() argument is refused in R, naming it", {
  skip_if_no_keras()
  expect_every_argument_checked(
    "layer_feature_space",
    list(features = list(a = "string_categorical", b = "string_categorical"), crosses = list(c("a", "b")))
  )
  expect_error(layer_feature_space(features = list("float")), "`features` must be a named list",
    class = "rkeras_arg_error"
  )
  expect_error(
    layer_feature_space(features = list(a = "float"), crosses = c("a", "b")),
    "`crosses` must be a list of feature crosses", class = "rkeras_arg_error"
  )
  expect_error(
    layer_feature_space(features = list(a = "float"), crosses = list(c("a", "b"), feature_float())),
    "`crosses[[2]]` must be a character vector of feature names or a `feature_cross()` object",
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(layer_feature_space(features = list(a = "float"), output_mode = "stack"), "`output_mode` must be",
    class = "rkeras_arg_error"
  )
  expect_error(layer_feature_space(), "`features` is missing", class = "rkeras_arg_error")
})

test_that("layer_feature_space() adapts on a dataset of dicts and encodes as Keras's FeatureSpace does", {
  skip_if_no_keras()
  tf <- reticulate::import("tensorflow")
  data <- list(a = c(1, 2, 3, 4), b = c("x", "y", "x", "z"), i = c(1L, 2L, 2L, 3L))
  features <- list(a = "float_normalized", b = "string_categorical", i = feature_integer_categorical(name = "i"))
  ours <- layer_feature_space(features = features, crosses = list(c("b", "i")), crossing_dim = 8)
  expect_true(is_keras_layer(ours))
  expect_identical(withVisible(adapt(ours, tf$data$Dataset$from_tensor_slices(data)))$visible, FALSE)

  theirs <- feature_space_class()(
    features = reticulate::dict(a = "float_normalized", b = "string_categorical",
      i = feature_space_class()$integer_categorical(name = "i")),
    crosses = list(reticulate::tuple("b", "i")), crossing_dim = 8L
  )
  theirs$adapt(tf$data$Dataset$from_tensor_slices(data))
  expect_identical(ours$get_config(), theirs$get_config())

  # A batch and a single sample, as named lists of R vectors (dicts to Keras),
  # unknown values included.
  batch <- list(a = c(2, 5), b = c("y", "w"), i = c(3L, 9L))
  expected <- as.array(theirs(reticulate::dict(a = array(c(2, 5)), b = array(c("y", "w")), i = array(c(3L, 9L)))))
  # a, then b's and i's vocabularies with their out-of-vocabulary index, then the cross.
  expect_equal(dim(expected), c(2L, 1L + 4L + 4L + 8L))
  expect_equal(as.array(ours(batch)), expected)
  expect_equal(as.vector(as.array(ours(list(a = 2, b = "y", i = 3L)))), expected[1, ])
  # The wrapper composes with a named list too.
  expect_equal(as.array(layer_feature_space(batch[c("a", "b")], features = list(a = "float", b = "string_hashed"))),
    as.array(feature_space_class()(features = list(a = "float", b = "string_hashed"))(
      reticulate::dict(a = array(c(2, 5)), b = array(c("y", "w")))
    )))
})

test_that("adapt() takes a named list of R vectors, and dict mode gives a named list", {
  skip_if_no_keras()
  data <- list(b = c("x", "y", "x"), i = c(1L, 2L, 2L))
  ours <- layer_feature_space(
    features = list(b = feature_string_categorical(output_mode = "int", name = "b"), i = "integer_categorical"),
    crosses = list(feature_cross(c("b", "i"), crossing_dim = 4, output_mode = "int")),
    output_mode = "dict"
  )
  adapt(ours, data)
  theirs <- feature_space_class()(
    features = reticulate::dict(b = feature_space_class()$string_categorical(output_mode = "int", name = "b"),
      i = "integer_categorical"),
    crosses = list(feature_space_class()$cross(list("b", "i"), crossing_dim = 4L, output_mode = "int")),
    output_mode = "dict"
  )
  theirs$adapt(reticulate::dict(b = array(data$b), i = array(data$i)))
  encoded <- encoded_values(ours(data))
  expect_named(encoded, c("b", "i", "b_X_i"), ignore.order = TRUE)
  expected <- encoded_values(theirs(reticulate::dict(b = array(data$b), i = array(data$i))))
  expect_equal(encoded[names(expected)], expected)
  expect_equal(as.vector(encoded$b), c(1, 2, 1))
})

test_that("a feature space is not called on keras_input()s; its own inputs build a model, which saves and reloads", {
  skip_if_no_keras()
  fs <- layer_feature_space(features = list(a = "float_normalized", b = "string_categorical"))
  adapt(fs, list(a = c(1, 2, 3), b = c("x", "y", "x")))
  # Keras's FeatureSpace computes on values only: symbolic inputs are refused.
  expect_error(fs(list(a = keras_input(shape = 1), b = keras_input(shape = 1, dtype = "string"))), "symbolic")
  expect_error(layer_feature_space(list(a = keras_input(shape = 1)), features = list(a = "float")), "symbolic")

  inputs <- fs$get_inputs()
  expect_named(inputs, c("a", "b"), ignore.order = TRUE)
  outputs <- layer_dense(fs$get_encoded_features(), units = 1, kernel_initializer = "ones")
  model <- keras_model(inputs, outputs)
  x <- list(a = array(c(1, 3), c(2, 1)), b = array(c("x", "y"), c(2, 1)))
  before <- predict(model, x, verbose = 0)
  expect_equal(before, matrix(rowSums(as.array(fs(x)))), tolerance = 1e-6)

  path <- tempfile(fileext = ".keras")
  on.exit(unlink(path))
  save_model(model, path)
  reloaded <- load_model(path)
  expect_equal(predict(reloaded, x, verbose = 0), before)

  # The feature space alone saves and reloads too.
  fs_path <- tempfile(fileext = ".keras")
  on.exit(unlink(fs_path), add = TRUE)
  fs$save(fs_path)
  expect_equal(as.array(load_model(fs_path)(x)), as.array(fs(x)))
})
