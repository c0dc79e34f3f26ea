# Every generated wrapper: it composes with symbolic inputs to the right output
# shape, R doubles such as `units = 4` reach Keras as ints, and a value that is
# not a whole number is refused in R, naming the argument.

test_that("core, convolution and recurrent layers coerce whole doubles and give their shapes", {
  skip_if_no_keras()
  tokens <- keras_input(shape = 7, dtype = "int32")
  embedded <- layer_embedding(tokens, input_dim = 50, output_dim = 6)
  expect_identical(format(shape(embedded)), "shape(NA, 7, 6)")
  expect_identical(format(shape(layer_dense(embedded, units = 4))), "shape(NA, 7, 4)")
  expect_identical(format(shape(layer_dropout(embedded, rate = 0.5, seed = 1))), "shape(NA, 7, 6)")
  conv <- layer_conv_1d(embedded, filters = 5, kernel_size = 3, strides = 2)
  expect_identical(format(shape(conv)), "shape(NA, 3, 5)")
  expect_identical(format(shape(layer_lstm(embedded, units = 3))), "shape(NA, 3)")
  expect_identical(format(shape(layer_lstm(embedded, units = 3, return_sequences = TRUE))), "shape(NA, 7, 3)")
  config <- layer_conv_1d(filters = 5, kernel_size = 3)$get_config()
  expect_identical(config$filters, 5L)
  expect_identical(config$kernel_size, list(3L))
})

test_that("pooling, merging and normalization layers give their shapes", {
  skip_if_no_keras()
  x <- keras_input(shape = c(7, 6))
  y <- keras_input(shape = c(7, 6))
  expect_identical(format(shape(layer_global_average_pooling_1d(x))), "shape(NA, 6)")
  expect_identical(format(shape(layer_global_max_pooling_1d(x))), "shape(NA, 6)")
  expect_identical(format(shape(layer_add(list(x, y)))), "shape(NA, 7, 6)")
  expect_identical(format(shape(layer_concatenate(list(x, y), axis = 2))), "shape(NA, 14, 6)")
  expect_identical(format(shape(layer_layer_normalization(x))), "shape(NA, 7, 6)")
})

test_that("the attention family composes with query, value and key", {
  skip_if_no_keras()
  query <- keras_input(shape = c(5, 8))
  value <- keras_input(shape = c(9, 8))
  expect_identical(format(shape(layer_additive_attention(list(query, value)))), "shape(NA, 5, 8)")
  mha <- layer_multi_head_attention(list(query, value), num_heads = 2, key_dim = 4)
  expect_identical(format(shape(mha)), "shape(NA, 5, 8)")
  gqa <- layer_group_query_attention(list(query, value, value),
    head_dim = 4, num_query_heads = 4, num_key_value_heads = 2
  )
  expect_identical(format(shape(gqa)), "shape(NA, 5, 8)")
  expect_identical(layer_multi_head_attention(num_heads = 2, key_dim = 4)$get_config()$num_heads, 2L)
})

test_that("non-whole numbers are refused before Keras sees them, naming the argument", {
  cases <- list(
    list(quote(layer_dense(units = 2.5)), "`units` must be a whole number >= 1, not the number 2.5."),
    list(quote(layer_embedding(input_dim = 10, output_dim = 1.5)), "`output_dim` must be a whole number"),
    list(quote(layer_conv_1d(filters = 2, kernel_size = 0.5)), "`kernel_size` must be"),
    list(quote(layer_lstm(units = "3")), "`units` must be a whole number"),
    list(quote(layer_dropout(rate = 0.5, seed = 0.5)), "`seed` must be a whole number"),
    list(quote(layer_multi_head_attention(num_heads = 1.5, key_dim = 2)), "`num_heads` must be a whole number"),
    list(quote(layer_group_query_attention(head_dim = 4, num_query_heads = 2, num_key_value_heads = 0.5)), "`num_key_value_heads` must be a whole number"),
    list(quote(layer_concatenate(axis = 1.5)), "`axis` must be"),
    list(quote(layer_layer_normalization(axis = 0)), "`axis` must be")
  )
  for (case in cases) {
    expect_error(eval(case[[1]]), case[[2]], fixed = TRUE, class = "rkeras_arg_error")
  }
})

test_that("enumerations are validated from the spec", {
  expect_error(layer_conv_1d(filters = 2, kernel_size = 3, padding = "full"), "`padding` must be one of", fixed = TRUE)
  expect_error(layer_dropout(rate = 1.5), "`rate` must be a number in [0, 1]", fixed = TRUE)
})

test_that("R integer arrays work as inputs where the spec declares float inputs", {
  skip_if_no_keras()
  x <- array(1:24, c(1, 3, 8))
  expect_identical(dim(as.array(layer_attention(list(x, x)))), c(1L, 3L, 8L))
  expect_identical(dim(as.array(layer_dense(x, units = 2))), c(1L, 3L, 2L))
  ids <- matrix(c(1L, 2L, 3L, 4L, 5L, 6L), 2)
  expect_identical(dim(as.array(layer_embedding(ids, input_dim = 10, output_dim = 4))), c(2L, 3L, 4L))
})
