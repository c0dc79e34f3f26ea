# The layer catalogue, group C: the preprocessing layers that learn state
# with adapt() and take strings: layer_normalization(), layer_string_lookup(),
# layer_integer_lookup(), layer_text_vectorization(). Each is compared with
# Keras's class called directly on the same data; R strings, integers and
# file paths reach Keras as it expects them; bad values stop in R.

keras_layers <- function() reticulate::import("keras")$layers

test_that("layer_normalization() adapts to data as Keras's Normalization does", {
  skip_if_no_keras()
  x <- matrix(c(1, 2, 3, 4, 10, 20, 30, 40), ncol = 2)
  ours <- layer_normalization()
  expect_identical(adapt(ours, x), ours) # invisibly, the layer itself
  theirs <- keras_layers()$Normalization()
  theirs$adapt(x)
  expect_equal(as.array(ours(x)), as.array(theirs(x)), tolerance = 1e-6)
  # Population standard deviation, per column.
  scaled <- (x - rep(colMeans(x), each = 4)) / rep(sqrt(colMeans(x^2) - colMeans(x)^2), each = 4)
  expect_equal(as.array(ours(x)), scaled, tolerance = 1e-5)
  # axis = NULL: one mean and variance over every element.
  whole <- layer_normalization(axis = NULL)
  adapt(whole, x)
  expect_equal(mean(as.array(whole(x))), 0, tolerance = 1e-6)
  expect_identical(whole$get_config()$axis, list())
})

test_that("layer_normalization() takes its mean and variance, and inverts", {
  skip_if_no_keras()
  normalizer <- layer_normalization(mean = c(1, 10), variance = c(4, 100))
  x <- matrix(c(3, 1, 20, 0), ncol = 2)
  expect_equal(as.array(normalizer(x)), matrix(c(1, 0, 1, -1), ncol = 2), tolerance = 1e-6)
  back <- layer_normalization(mean = c(1, 10), variance = c(4, 100), invert = TRUE)
  expect_equal(as.array(back(as.array(normalizer(x)))), x, tolerance = 1e-5)
  # Axes count from 1 in R.
  expect_identical(layer_normalization(axis = 2)$get_config()$axis, list(1L))
  expect_error(layer_normalization(axis = 0), "`axis` must be", fixed = TRUE, class = "rkeras_arg_error")
  expect_error(layer_normalization(mean = "a", variance = 1), "`mean` must be a tensor or an R array", fixed = TRUE)
  expect_error(layer_normalization(mean = 1), "both `mean` and `variance` must be set", fixed = TRUE)
})

test_that("adapt() checks its layer, its data and its arguments", {
  skip_if_no_keras()
  x <- matrix(c(1, 2, 3, 4), ncol = 2)
  expect_error(adapt(layer_dense(units = 2), x), "`object` must be a preprocessing layer that can adapt", fixed = TRUE, class = "rkeras_arg_error")
  expect_error(adapt("normalization", x), "not the string \"normalization\"", fixed = TRUE)
  expect_error(adapt(layer_normalization()), "`data` is missing", fixed = TRUE, class = "rkeras_arg_error")
  expect_error(adapt(layer_normalization(), x, batch_size = 0), "`batch_size` must be a whole number >= 1", fixed = TRUE)
  expect_error(adapt(layer_normalization(), x, steps = 1.5), "`steps` must be a whole number >= 1", fixed = TRUE)
  expect_error(adapt(layer_normalization(), x, bacth_size = 2), "`...` must be empty", fixed = TRUE)
  expect_error(adapt(layer_string_lookup(), c("a", NA)), "`data` must be strings without `NA`", fixed = TRUE)
  # A data frame of numbers adapts as its matrix.
  from_frame <- layer_normalization()
  adapt(from_frame, data.frame(a = c(1, 2, 3, 4), b = c(3, 4, 1, 2)))
  from_matrix <- layer_normalization()
  adapt(from_matrix, matrix(c(1, 2, 3, 4, 3, 4, 1, 2), ncol = 2))
  expect_equal(as.array(from_frame(x)), as.array(from_matrix(x)), tolerance = 1e-6)
  # batch_size and steps reach Keras, where the layer's adapt() takes them.
  expect_error(adapt(layer_normalization(), x, batch_size = 2), "`batch_size` is not used by the `adapt()` of a <keras.src.layers.preprocessing.normalization.Normalization> layer", fixed = TRUE, class = "rkeras_arg_error")
  expect_error(adapt(layer_string_lookup(), "a", batch_size = 2), "`batch_size` is not used", fixed = TRUE)
  tokens <- layer_string_lookup()
  adapt(tokens, reticulate::import("tensorflow")$data$Dataset$from_tensor_slices(c("a", "b", "c", "d"))$batch(2L), steps = 1)
  expect_identical(tokens$get_vocabulary(), c("[UNK]", "b", "a"))
  vectorizer <- layer_text_vectorization()
  adapt(vectorizer, c("a b", "c"), batch_size = 1)
  expect_setequal(vectorizer$get_vocabulary(), c("", "[UNK]", "a", "b", "c"))
})

test_that("layer_string_lookup() maps R strings as Keras's StringLookup does", {
  skip_if_no_keras()
  vocabulary <- c("a", "b", "c")
  ours <- layer_string_lookup(vocabulary = vocabulary)
  theirs <- keras_layers()$StringLookup(vocabulary = as.list(vocabulary))
  input <- c("a", "c", "z", "b")
  expect_identical(as.array(ours(input)), as.array(theirs(reticulate::np_array(input))))
  expect_identical(as.vector(as.array(ours(input))), c(1, 3, 0, 2))
  # A character matrix keeps its dims; layer_string_lookup(object) calls it.
  out <- layer_string_lookup(matrix(input, 2), vocabulary = vocabulary)
  expect_identical(dim(out), c(2L, 2L))
  # Back from indices to strings, as an R character vector.
  inverse <- layer_string_lookup(vocabulary = vocabulary, invert = TRUE)
  expect_identical(as.array(inverse(c(1L, 3L, 0L))), array(c("a", "c", "[UNK]")))
  # Encodings and masks.
  expect_identical(dim(layer_string_lookup(input, vocabulary = vocabulary, output_mode = "one_hot")), c(4L, 4L))
  expect_identical(
    as.vector(as.array(layer_string_lookup(input, vocabulary = vocabulary, output_mode = "multi_hot"))),
    c(1, 1, 1, 1)
  )
  masked <- layer_string_lookup(vocabulary = vocabulary, mask_token = "")
  expect_identical(as.vector(as.array(masked(c("", "a")))), c(0, 2))
  expect_identical(layer_string_lookup(num_oov_indices = 2)$get_config()$num_oov_indices, 2L)
})

test_that("layer_string_lookup() learns its vocabulary and reads it from a file", {
  skip_if_no_keras()
  lookup <- layer_string_lookup(max_tokens = 3)
  adapt(lookup, c("dog", "cat", "dog", "bird", "dog", "cat"))
  expect_identical(lookup$get_vocabulary(), c("[UNK]", "dog", "cat"))
  path <- tempfile(fileext = ".txt")
  on.exit(unlink(path))
  writeLines(c("red", "green"), path)
  from_file <- layer_string_lookup(vocabulary = path)
  expect_identical(from_file$get_vocabulary(), c("[UNK]", "red", "green"))
  one <- layer_string_lookup(vocabulary = list("red"))
  expect_identical(one$get_vocabulary(), c("[UNK]", "red"))
})

test_that("the lookup layers refuse bad arguments in R, naming them", {
  skip_if_no_keras()
  expect_error(layer_string_lookup(vocabulary = "no-such-file.txt"), "`vocabulary` must be", fixed = TRUE, class = "rkeras_arg_error")
  expect_error(layer_string_lookup(vocabulary = "no-such-file.txt"), 'a vocabulary of one token is `list("no-such-file.txt")`', fixed = TRUE)
  expect_error(layer_string_lookup(vocabulary = c("a", NA)), "`vocabulary` must be", fixed = TRUE)
  expect_error(layer_string_lookup(max_tokens = 1), "`max_tokens` must be a whole number >= 2", fixed = TRUE)
  expect_error(layer_string_lookup(num_oov_indices = -1), "`num_oov_indices` must be a whole number >= 0", fixed = TRUE)
  expect_error(layer_string_lookup(mask_token = NA), "`mask_token` must be a single string", fixed = TRUE)
  expect_error(layer_string_lookup(output_mode = "binary"), "`output_mode` must be one of", fixed = TRUE)
  expect_error(layer_string_lookup(salt = 1.5), "`salt` must be", fixed = TRUE)
  expect_error(layer_integer_lookup(vocabulary = c(1, 2.5)), "`vocabulary` must be", fixed = TRUE)
  expect_error(layer_integer_lookup(oov_token = "x"), "`oov_token` must be a whole number", fixed = TRUE)
  expect_error(layer_integer_lookup(vocabulary_dtype = 64), "`vocabulary_dtype` must be", fixed = TRUE)
  # Keras's own refusal arrives as one R error.
  expect_error(layer_string_lookup(vocabulary = c("a", "a")), "repeated term", fixed = TRUE, class = "rkeras_python_error")
  # A string is an input only for the layers that take strings.
  expect_error(layer_dense("a", units = 2), "`object` must be a tensor, an R array", fixed = TRUE, class = "rkeras_arg_error")
})

test_that("layer_integer_lookup() maps R integers as Keras's IntegerLookup does", {
  skip_if_no_keras()
  ours <- layer_integer_lookup(vocabulary = c(12, 36, 1138, 42))
  theirs <- keras_layers()$IntegerLookup(vocabulary = list(12L, 36L, 1138L, 42L))
  input <- c(12L, 1138L, 7L, 42L)
  expect_identical(as.array(ours(input)), as.array(theirs(reticulate::np_array(input))))
  expect_identical(as.vector(as.array(ours(input))), c(1, 3, 0, 4))
  learned <- layer_integer_lookup(mask_token = 0)
  adapt(learned, c(7, 7, 3, 9, 7, 3))
  expect_identical(unlist(learned$get_vocabulary()), c(0, -1, 7, 3, 9))
  expect_identical(learned$get_config()$mask_token, 0L)
  inverse <- layer_integer_lookup(vocabulary = c(12, 36), invert = TRUE)
  expect_identical(as.vector(as.array(inverse(c(2L, 0L)))), c(36, -1))
})

test_that("layer_text_vectorization() splits, indexes and pads text as Keras does", {
  skip_if_no_keras()
  texts <- c("The cat sat.", "The dog sat on the mat!")
  ours <- layer_text_vectorization(output_sequence_length = 6)
  adapt(ours, texts)
  theirs <- keras_layers()$TextVectorization(output_sequence_length = 6L)
  theirs$adapt(reticulate::np_array(texts))
  expect_identical(ours$get_vocabulary(), theirs$get_vocabulary())
  expect_identical(as.array(ours(texts)), as.array(theirs(reticulate::np_array(texts))))
  expect_identical(dim(ours(texts)), c(2L, 6L))
  expect_identical(ours$get_config()$output_sequence_length, 6L)
  counts <- layer_text_vectorization(texts, vocabulary = c("cat", "dog", "sat"), output_mode = "count")
  expect_identical(as.array(counts), matrix(c(1, 4, 1, 0, 0, 1, 1, 1), 2))
  bigrams <- layer_text_vectorization(ngrams = 2)
  adapt(bigrams, "a b")
  expect_true("a b" %in% bigrams$get_vocabulary())
  characters <- layer_text_vectorization(standardize = NULL, split = "character")
  adapt(characters, "abca")
  expect_identical(characters$get_vocabulary()[3:5], c("a", "c", "b"))
})

test_that("layer_text_vectorization() takes an R function to standardize", {
  skip_if_no_keras()
  tf <- reticulate::import("tensorflow")
  upper <- layer_text_vectorization(standardize = function(x) tf$strings$upper(x))
  adapt(upper, c("a b", "B c"))
  expect_setequal(upper$get_vocabulary()[-(1:2)], c("A", "B", "C"))
  expect_error(layer_text_vectorization(standardize = "upper"), '`standardize` must be one of "lower_and_strip_punctuation"', fixed = TRUE)
  expect_error(layer_text_vectorization(split = 1), "`split` must be one of", fixed = TRUE)
  expect_error(layer_text_vectorization(ngrams = 0.5), "`ngrams` must be", fixed = TRUE)
  expect_error(layer_text_vectorization(output_sequence_length = 0), "`output_sequence_length` must be a whole number >= 1", fixed = TRUE)
})

test_that("a model of string layers predicts on R strings, saves and reloads", {
  skip_if_no_keras()
  input <- keras_input(shape = 1, dtype = "string")
  vectorizer <- layer_text_vectorization(vocabulary = c("cat", "dog"), output_sequence_length = 3)
  model <- keras_model(input, vectorizer(input))
  texts <- matrix(c("cat dog", "dog"), ncol = 1)
  expected <- matrix(c(2, 3, 3, 0, 0, 0), 2)
  expect_identical(unname(predict(model, texts, verbose = 0)), expected)
  path <- tempfile(fileext = ".keras")
  on.exit(unlink(path))
  save_model(model, path)
  expect_identical(unname(predict(load_model(path), c("cat dog", "dog"), verbose = 0)), expected)
  expect_error(predict(model, c("a", NA)), "`x` must be strings without `NA`", fixed = TRUE)
  # Called directly, a model takes R strings too.
  expect_identical(unname(as.array(model(texts))), expected)
})

test_that("get_vocabulary() and set_vocabulary() read and replace a vocabulary", {
  skip_if_no_keras()
  lookup <- layer_string_lookup(vocabulary = c("a", "b"))
  expect_identical(get_vocabulary(lookup), c("[UNK]", "a", "b"))
  expect_identical(set_vocabulary(lookup, c("x", "y", "z")), lookup)
  expect_identical(get_vocabulary(lookup, include_special_tokens = FALSE), c("x", "y", "z"))
  expect_identical(as.vector(as.array(lookup(c("z", "a")))), c(3, 0))
  expect_identical(get_vocabulary(layer_integer_lookup(vocabulary = c(5, 3))), c(-1, 5, 3))
  tf_idf <- layer_text_vectorization(output_mode = "tf_idf")
  set_vocabulary(tf_idf, c("a", "b"), idf_weights = c(0.5, 2))
  expect_equal(as.vector(as.array(tf_idf("b b"))), c(0, 0, 4))
  expect_error(get_vocabulary(layer_dense(units = 1)), "`object` must be a layer with a vocabulary", fixed = TRUE, class = "rkeras_arg_error")
  expect_error(get_vocabulary(lookup, include_special_tokens = NA), "`include_special_tokens` must be `TRUE` or `FALSE`", fixed = TRUE)
  expect_error(set_vocabulary(lookup, c("a", NA)), "`vocabulary` must be", fixed = TRUE, class = "rkeras_arg_error")
  expect_error(set_vocabulary(lookup, c("a", "b"), weights = 1), "`...` must be empty", fixed = TRUE)
  expect_error(set_vocabulary(tf_idf, c("a", "b")), "`idf_weights` must be set", fixed = TRUE, class = "rkeras_python_error")
})

test_that("pad_sequences() pads and cuts as Keras's pad_sequences() does", {
  skip_if_no_keras()
  sequences <- list(c(1, 2, 3), c(4, 5), 6)
  expect_identical(pad_sequences(sequences), matrix(c(1L, 0L, 0L, 2L, 4L, 0L, 3L, 5L, 6L), 3))
  theirs <- reticulate::import("keras")$utils$pad_sequences(list(list(1, 2, 3), list(4, 5)), maxlen = 2L, padding = "post", truncating = "post", value = -1)
  expect_identical(pad_sequences(sequences[1:2], maxlen = 2, padding = "post", truncating = "post", value = -1), theirs)
  expect_identical(pad_sequences(list(c(1, 2), numeric()), maxlen = 3), matrix(c(0L, 0L, 1L, 0L, 2L, 0L), 2))
  expect_identical(pad_sequences(c(7, 8), maxlen = 3), matrix(c(0L, 7L, 8L), 1))
  expect_equal(pad_sequences(list(c(1.5, 2)), dtype = "float32"), matrix(c(1.5, 2), 1))
  expect_error(pad_sequences("a"), "`sequences` must be a list of numeric vectors without `NA`", fixed = TRUE, class = "rkeras_arg_error")
  expect_error(pad_sequences(list(c(1, NA))), "`sequences` must be", fixed = TRUE)
  expect_error(pad_sequences(sequences, maxlen = 1.5), "`maxlen` must be a whole number >= 0", fixed = TRUE)
  expect_error(pad_sequences(sequences, padding = "mid"), "`padding` must be one of", fixed = TRUE)
  expect_error(pad_sequences(sequences, truncating = TRUE), "`truncating` must be one of", fixed = TRUE)
  expect_error(pad_sequences(sequences, value = NA), "`value` must be a finite number", fixed = TRUE)
  expect_error(pad_sequences(sequences, dtype = 1), "`dtype` must be a single string", fixed = TRUE)
})
