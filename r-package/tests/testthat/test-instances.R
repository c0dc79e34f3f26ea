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
  expect_match(conditionMessage(err), "`...` takes the call arguments `mask`", fixed = TRUE)
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

test_that("Python objects reach Python as the very same objects", {
  skip_if_no_keras()
  # Whichever way rkeras calls Python and hands objects over (see
  # python_bridge()), Python must receive the objects themselves, nested or
  # not, and R values converted as usual.
  layer <- layer_dense(units = 1)
  tensor <- keras_input(shape = 2)
  sent <- list(layer, list(tensor, "text"), 2.5, NULL)
  bridge <- rkeras:::python_bridge()
  received <- bridge$call(bridge$identity, list(rkeras:::python_elements(sent, bridge$hold)))
  expect_identical(reticulate::py_len(received), 4L)
  expect_identical(
    reticulate::py_id(reticulate::py_get_item(received, 0L)), reticulate::py_id(layer)
  )
  nested <- reticulate::py_get_item(received, 1L)
  expect_identical(reticulate::py_id(reticulate::py_get_item(nested, 0L)), reticulate::py_id(tensor))
  expect_identical(reticulate::py_to_r(reticulate::py_get_item(nested, 1L)), "text")
  expect_identical(reticulate::py_to_r(reticulate::py_get_item(received, 2L)), 2.5)
  expect_null(reticulate::py_to_r(reticulate::py_get_item(received, 3L)))
})

test_that("both ways of calling Python pass positional arguments alike", {
  skip_if_no_keras()
  # The bridge's call (reticulate's C++ entry point, where it passes the
  # probe), and the py_call() it falls back to elsewhere.
  bridge <- rkeras:::python_bridge()
  type_names <- reticulate::py_eval("lambda *args: [type(a).__name__ for a in args]", convert = FALSE)
  identity <- reticulate::py_eval("lambda x: x", convert = FALSE)
  layer <- layer_dense(units = 1)
  for (call in list(bridge$call, rkeras:::call_with_py_call)) {
    received <- reticulate::py_to_r(call(type_names, list("a", NULL, 1L, c(1.5, 2))))
    expect_identical(received, c("str", "NoneType", "int", "list"))
    held <- call(identity, list(rkeras:::python_elements(list(layer), bridge$hold)))
    expect_identical(reticulate::py_id(reticulate::py_get_item(held, 0L)), reticulate::py_id(layer))
    expect_true(rkeras:::passes_objects_intact(call, identity, hold = TRUE))
  }
})
