# A layer instance (what a wrapper returns for a NULL `object`): an R function
# that is also the Python layer, and whose calls are checked like the wrapper's.

test_that("a layer instance is an R function that is also the Python layer", {
  skip_if_no_keras()
  layer <- layer_dense(units = 3, name = "instance_dense")
  expect_true(is.function(layer))
  expect_s3_class(layer, "keras.src.layers.layer.Layer")
  expect_s3_class(layer, "python.builtin.object")
  expect_identical(layer$name, "instance_dense")
  expect_identical(layer$get_config()$units, 3L)
  expect_output(print(layer), "<Dense name=instance_dense", fixed = TRUE)

  model <- keras_model_sequential(input_shape = 4, layers = list(layer))
  expect_identical(reticulate::py_id(model$layers[[1]]), reticulate::py_id(layer))
  expect_identical(dim(predict(model, matrix(1, 2, 4), verbose = 0)), c(2L, 3L))
})

test_that("calling an instance gives the same values as the wrapper, R integer arrays included", {
  skip_if_no_keras()
  query <- array(as.double(1:24) / 24, c(2, 3, 4))
  value <- array(as.double(24:1) / 24, c(2, 5, 4))
  layer <- layer_attention()
  expect_equal(as.array(layer(list(query, value))), r_attention(query, value)$output, tolerance = 1e-5)

  integers <- array(1:24, c(2, 3, 4))
  out <- layer(list(integers, integers), return_attention_scores = TRUE)
  expect_equal(as.array(out[[2]]), r_attention(integers * 1, integers * 1)$weights, tolerance = 1e-5)
})

test_that("an instance call coerces its declared call arguments and names the bad ones", {
  skip_if_no_keras()
  layer <- layer_attention()
  q <- random_array(1, 3, 2)
  weights <- as.array(layer(list(q, q), use_causal_mask = TRUE, return_attention_scores = TRUE)[[2]])
  expect_equal(weights[1, 1, 2:3], c(0, 0))

  expect_error(
    layer(list(q, q), use_causal_mask = "yes"),
    "`use_causal_mask` must be `TRUE` or `FALSE`, not the string \"yes\".",
    fixed = TRUE, class = "rkeras_arg_error"
  )
  err <- expect_error(layer(list(q, q), use_causal = TRUE), class = "rkeras_arg_error")
  expect_match(conditionMessage(err), "Unknown argument `use_causal` in `...`.", fixed = TRUE)
  expect_match(conditionMessage(err), "Did you mean `use_causal_mask`?", fixed = TRUE)
  # Layer arguments belong to the constructor, not to a call.
  err <- expect_error(layer(list(q, q), name = "late"), class = "rkeras_arg_error")
  expect_match(conditionMessage(err), "`...` takes the call arguments `query`, `value`, `key`, `mask`", fixed = TRUE)
})

test_that("an instance of a layer with several inputs takes them one by one or as a list", {
  skip_if_no_keras()
  mha <- layer_multi_head_attention(num_heads = 2, key_dim = 4)
  query <- keras_input(shape = c(6, 8))
  value <- keras_input(shape = c(9, 8))
  expect_identical(dim(mha(query, value)), c(NA, 6L, 8L))
  expect_identical(dim(mha(list(query, value))), c(NA, 6L, 8L))
  # Eager: Keras 3.15's symbolic shape for these scores is (B, heads, T, T).
  both <- mha(random_array(1, 6, 8), random_array(1, 9, 8), return_attention_scores = TRUE)
  expect_identical(dim(as.array(both[[2]])), c(1L, 2L, 6L, 9L))
  expect_error(
    mha(list(query, value), value),
    "Give the inputs `query`, `value`, and `key` either as one list or one by one, not both.",
    fixed = TRUE, class = "rkeras_arg_error"
  )
})

test_that("an instance with one input refuses unnamed extras and a missing input", {
  skip_if_no_keras()
  dense <- layer_dense(units = 2)
  x <- keras_input(shape = 3)
  err <- expect_error(dense(x, x), class = "rkeras_arg_error")
  expect_match(conditionMessage(err), "Got 1 unnamed argument after `object`", fixed = TRUE)
  expect_match(conditionMessage(err), "This layer takes one input, `object`.", fixed = TRUE)
  expect_error(dense(), "`object`, the input `inputs` to call the layer on, is missing.", fixed = TRUE)
})

test_that("a Python error from an instance call is one clean message", {
  skip_if_no_keras()
  layer <- layer_attention()
  err <- expect_error(layer(list(keras_input(shape = c(3, 4)))), class = "rkeras_python_ValueError")
  expect_match(conditionMessage(err), "Attention", fixed = TRUE)
  expect_no_match(conditionMessage(err), "Traceback|Arguments received by")
})

test_that("every layer that reaches R is the same kind of callable object", {
  skip_if_no_keras()
  x <- matrix(runif(10), 2, 5)
  model <- keras_model_sequential(input_shape = 5) |> layer_dense(3, name = "d1")
  from_wrapper <- layer_dense(units = 3)
  from_model <- model$layers[[1]]
  from_get <- model$get_layer("d1")
  for (layer in list(from_wrapper, from_model, from_get)) {
    expect_true(is.function(layer))
    expect_true(inherits(layer, "keras.src.layers.core.dense.Dense"))
    expect_identical(dim(as.array(layer(x))), c(2L, 3L))
    # Call arguments are checked by their declared types, whatever the origin.
    expect_error(layer(x, training = NA), "`training` must be `TRUE` or `FALSE`, not `NA`.", fixed = TRUE)
    expect_error(layer(x, trainng = TRUE), "Did you mean `training`?", fixed = TRUE)
  }
  # A layer of a class rkeras does not wrap still calls, taking its input whole.
  plain <- reticulate::import("keras")$layers$Flatten()
  expect_true(is.function(plain))
  expect_identical(dim(as.array(plain(array(1, c(2, 2, 3))))), c(2L, 6L))
})

test_that("the Python exceptions of a call become one classed R error", {
  skip_if_no_keras()
  layer <- layer_attention()
  err <- expect_error(layer(list(array(1, c(1, 2, 3)), array(1, c(1, 2, 4)))), class = "rkeras_python_error")
  expect_s3_class(err, "rkeras_python_ValueError")
  expect_match(conditionMessage(err), "same last dimension")
  expect_no_match(conditionMessage(err), "Traceback|Exception encountered|Arguments received")
})
