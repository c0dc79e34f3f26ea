# What a wrapper does with the arguments it is given: only the supplied ones
# are sent, each through its declared type; R's partial matching never moves
# one silently; required ones are named when missing; the first argument is
# checked for what it can be.

test_that("a wrapper sends exactly the arguments the caller supplied", {
  skip_if_no_keras()
  keras <- reticulate::import("keras")
  defaults <- keras$layers$Dense(3L)$get_config()
  config <- layer_dense(units = 3)$get_config()
  config$name <- defaults$name <- NULL
  expect_identical(config, defaults)
  # A value passed on from a caller's own default is supplied, and used.
  wrapped <- function(units = 7) layer_dense(units = units)
  expect_identical(wrapped()$units, 7L)
  forwarded <- function(...) layer_dense(...)
  expect_identical(forwarded(units = 5, use_bias = FALSE)$use_bias, FALSE)
})

test_that("a partially matched name is refused, naming both", {
  skip_if_no_keras()
  q <- keras_input(shape = c(4, 8))
  expect_error(
    layer_multi_head_attention(list(q, q), num_heads = 2, key_dim = 2, value_d = 2),
    "`value_d` is not an argument of `layer_multi_head_attention()`", fixed = TRUE
  )
  expect_error(layer_dense(units = 2, use_b = FALSE), "partially to `use_bias`", fixed = TRUE)
  # Arguments after `...` match only in full; a short name is unknown.
  a <- keras_input(shape = 3)
  expect_error(layer_concatenate(a, a, ax = 1), "Did you mean `axis`?", fixed = TRUE)
})

test_that("multi-input attention takes query, value and key by name", {
  skip_if_no_keras()
  q <- keras_input(shape = c(4, 8))
  v <- keras_input(shape = c(6, 8))
  by_name <- layer_multi_head_attention(query = q, value = v, key = v, num_heads = 2, key_dim = 2)
  expect_identical(dim(by_name), c(NA, 4L, 8L))
  expect_identical(dim(layer_multi_head_attention(inputs = list(q, v), num_heads = 2, key_dim = 2)), c(NA, 4L, 8L))
  # `value =` never lands in `value_dim`.
  layer <- layer_multi_head_attention(query = q, value = v, num_heads = 2, key_dim = 2, value_dim = 3)
  expect_identical(dim(layer), c(NA, 4L, 8L))
  expect_error(
    layer_multi_head_attention(list(q, v), value = v, num_heads = 2, key_dim = 2),
    "either as `inputs` or by name, not both", fixed = TRUE
  )
  expect_error(layer_multi_head_attention(value = v, num_heads = 2, key_dim = 2), "`query` is missing", fixed = TRUE)
  expect_identical(dim(layer_attention(query = q, value = v)), c(NA, 4L, 8L))
})

test_that("merging layers take inputs one by one, as a list, or named", {
  skip_if_no_keras()
  a <- keras_input(shape = 4)
  b <- keras_input(shape = 4)
  expect_identical(dim(layer_add(a, b)), c(NA, 4L))
  expect_identical(dim(layer_add(list(a, b))), c(NA, 4L))
  expect_identical(dim(layer_add(inputs = list(a, b))), c(NA, 4L))
  expect_identical(dim(layer_concatenate(a, b)), c(NA, 8L))
  expect_identical(dim(layer_concatenate(list(a, b), axis = 2)), c(NA, 8L))
  eager <- layer_add(array(1, c(2, 3)), array(2, c(2, 3)))
  expect_identical(as.array(eager), array(3, c(2, 3)))
})

test_that("a missing required argument names itself and the function called", {
  expect_error(layer_dense(), "`units` is missing, with no default: `layer_dense()` needs it.", fixed = TRUE)
  expect_error(
    layer_multi_head_attention(key_dim = 2),
    "`num_heads` is missing, with no default: `layer_multi_head_attention()` needs it.", fixed = TRUE
  )
})

test_that("a tensor given to a number-like argument gets the typed error", {
  skip_if_no_keras()
  x <- keras_input(shape = 3)
  expect_error(layer_dense(x, x), "`units` must be a whole number >= 1, not a Python object", fixed = TRUE)
  expect_error(layer_conv_1d(keras_input(shape = c(8, 2)), 2, kernel_size = x), "`kernel_size` must be one or more whole numbers", fixed = TRUE)
  expect_error(layer_concatenate(list(x, x), axis = x), "`axis` must be a non-zero whole number", fixed = TRUE)
  expect_error(layer_dense(x, 3, input_shape = x), "`input_shape` must be a shape", fixed = TRUE)
})

test_that("every kind of argument is checked, NA and non-finite numbers included", {
  skip_if_no_keras()
  x <- keras_input(shape = 3)
  expect_error(layer_dense(x, 3, use_bias = NA), "`use_bias` must be `TRUE` or `FALSE`, not `NA`.", fixed = TRUE)
  expect_error(layer_lstm(units = 3, use_cudnn = NA), "`use_cudnn` must be `TRUE`, `FALSE` or \"auto\", not `NA`.", fixed = TRUE)
  expect_identical(layer_lstm(units = 3, use_cudnn = FALSE)$use_cudnn, FALSE)
  expect_error(layer_dense(units = 3, lora_alpha = Inf), "`lora_alpha` must be a finite number or `NULL`, not the number Inf.", fixed = TRUE)
  expect_error(layer_layer_normalization(epsilon = Inf), "`epsilon` must be a finite number", fixed = TRUE)
  expect_error(
    layer_dense(units = 3, kernel_initializer = "glorot"),
    '`kernel_initializer` must be an initializer: a Keras name, a Keras object or an R function (did you mean "glorot_normal"?), not the string "glorot".',
    fixed = TRUE
  )
  expect_error(layer_dense(units = 3, activation = NA), "`activation` must be an activation", fixed = TRUE)
  expect_error(layer_dense(units = 3, kernel_regularizer = 1), "`kernel_regularizer` must be a regularizer", fixed = TRUE)
  expect_error(layer_dense(units = 3, bias_constraint = TRUE), "`bias_constraint` must be a constraint", fixed = TRUE)
  expect_error(layer_dense(units = 3, quantization_config = "int8"), "`quantization_config` must be a Python object", fixed = TRUE)
  expect_error(layer_dense(units = 3, dtype = 1), "`dtype` must be a dtype name", fixed = TRUE)
  expect_error(layer_embedding(input_dim = 4, output_dim = 2, weights = "w"), "`weights` must be a tensor or an R array", fixed = TRUE)
  # Accepted forms: names, Keras objects, R functions.
  keras <- reticulate::import("keras")
  layer <- layer_dense(units = 2, activation = "relu", kernel_initializer = keras$initializers$Ones())
  expect_identical(layer$activation$`__name__`, "relu")
  doubled <- layer_dense(
    array(1, c(1, 2)), 2,
    kernel_initializer = "ones", activation = function(x) keras$ops$multiply(x, 2)
  )
  expect_equal(as.array(doubled), array(4, c(1, 2)))
})

test_that("a first argument that is no input is named, with what it was", {
  skip_if_no_keras()
  received <- list(
    "the string \"a\"" = "a", "an object of class <environment>" = new.env(),
    "a list of length 0" = list(), "a character vector of length 0" = character(0)
  )
  for (what in names(received)) {
    expect_error(layer_dense(received[[what]], 3), paste0("`object` must be a tensor, an R array, a list of them, a sequential model or `NULL`, not ", what), fixed = TRUE)
  }
  expect_error(layer_add(list(keras_input(shape = 2), "b")), "`inputs[[2]]` must be", fixed = TRUE)
  err <- expect_error(layer_attention(list(array(1, c(1, 2, 3)), array(1, c(1, 2, 4)))), class = "rkeras_python_ValueError")
  expect_match(conditionMessage(err), "The layer could not be called on `object`.", fixed = TRUE)
  expect_no_match(conditionMessage(err), "Exception encountered|Arguments received|Traceback")
})

test_that("a data.frame of numbers is a matrix; other columns are named", {
  skip_if_no_keras()
  frame <- data.frame(a = c(1, 2), b = 3:4)
  expect_identical(dim(as.array(layer_dense(frame, 3))), c(2L, 3L))
  expect_error(
    layer_dense(data.frame(a = 1:2, b = c("x", "y")), 3),
    "Column `b` <character> is not numeric.", fixed = TRUE
  )
})
