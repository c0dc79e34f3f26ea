# The three ways a generated wrapper composes, and how `...` is routed.

test_that("NULL or missing object returns a Layer instance", {
  skip_if_no_keras()
  layer <- layer_attention()
  expect_true(is_instance(layer, "keras.layers.Layer"))
  expect_true(is_instance(layer_attention(NULL), "keras.layers.Layer"))
  config <- layer$get_config()
  expect_identical(config$score_mode, "dot")
  expect_false(config$use_scale)
})

test_that("a call that sets no argument builds the layer Keras builds with its defaults", {
  skip_if_no_keras()
  config <- layer_attention()$get_config()
  reference <- keras_module()$layers$Attention()$get_config()
  config$name <- reference$name <- NULL
  expect_identical(config, reference)
  query <- keras_input(shape = c(3, 4))
  value <- keras_input(shape = c(5, 4))
  expect_identical(format(shape(layer_attention(list(query, value)))), "shape(NA, 3, 4)")
})

test_that("an argument passed on from a caller's own default counts as set", {
  skip_if_no_keras()
  # layer_attention() sees `dropout` as missing() here, yet it is set.
  wrapper <- function(rate = 0.25, scaled = TRUE) layer_attention(dropout = rate, use_scale = scaled)
  config <- wrapper()$get_config()
  expect_identical(config$dropout, 0.25)
  expect_true(config$use_scale)
  expect_error(
    (function(rate = 2) layer_attention(dropout = rate))(),
    "`dropout` must be a number in [0, 1), not the number 2.", fixed = TRUE,
    class = "rkeras_arg_error"
  )
})

test_that("a sequential model gets the layer added in place and returned invisibly", {
  skip_if_no_keras()
  model <- keras_model_sequential(name = "seq")
  expect_invisible(result <- layer_attention(model, name = "att"))
  expect_identical(result, model)
  expect_length(model$layers, 1L)
  expect_identical(model$layers[[1]]$name, "att")
})

test_that("a list of symbolic inputs is called and gives a symbolic output", {
  skip_if_no_keras()
  query <- keras_input(shape = c(6, 4))
  value <- keras_input(shape = c(9, 5))
  key <- keras_input(shape = c(9, 4))
  output <- layer_attention(list(query, value, key))
  expect_identical(format(shape(output)), "shape(NA, 6, 5)")
  both <- layer_attention(list(query, value, key), return_attention_scores = TRUE)
  expect_length(both, 2L)
  expect_identical(dim(both[[2]]), c(NA, 6L, 9L))
})

test_that("R arrays are accepted as inputs and as.array() brings the result back", {
  skip_if_no_keras()
  query <- random_array(2, 3, 4)
  value <- random_array(2, 5, 4)
  output <- as.array(layer_attention(list(query, value)))
  expect_equal(output, r_attention(query, value)$output, tolerance = 1e-5)
})

test_that("objects are forced first, so nested layers are created in reading order", {
  skip_if_no_keras()
  input <- keras_input(shape = c(4, 3))
  output <- layer_attention(layer_attention(list(input, input), name = "inner") |> list(input), name = "outer")
  model <- keras_model(input, output)
  names <- vapply(model$layers, function(l) l$name, "")
  expect_identical(names[names != names[[1]]], c("inner", "outer"))
})

test_that("call arguments in `...` go to the call, layer arguments to the constructor", {
  skip_if_no_keras()
  query <- random_array(1, 4, 2)
  out <- layer_attention(list(query, query), use_causal_mask = TRUE, return_attention_scores = TRUE,
                         name = "routed", dtype = "float32")
  weights <- as.array(out[[2]])
  expect_equal(weights[1, 1, 2:4], c(0, 0, 0))
})

test_that("`...` rejects unnamed and unknown arguments, naming them", {
  skip_if_no_keras()
  expect_error(layer_attention(NULL, FALSE, "dot", 0, NULL, 3), "Every argument in `...` must be named.", fixed = TRUE)
  expect_error(layer_attention(NULL, use_causal = TRUE), "Unknown argument `use_causal` in `...`.", fixed = TRUE)
  expect_error(layer_attention(NULL, use_causal = TRUE), "Did you mean `use_causal_mask`?", fixed = TRUE)
  expect_error(layer_attention(NULL, nmae = "x"), "Did you mean `name`?", fixed = TRUE)
})

test_that("call arguments are refused when the layer is not called", {
  skip_if_no_keras()
  expect_error(
    layer_attention(use_causal_mask = TRUE),
    "Call argument `use_causal_mask` can only be used when `object` is a tensor or array.", fixed = TRUE
  )
  model <- keras_model_sequential()
  expect_error(layer_attention(model, return_attention_scores = TRUE), "is a sequential model", fixed = TRUE)
})

test_that("call arguments are validated by their declared types", {
  skip_if_no_keras()
  q <- random_array(1, 2, 2)
  expect_error(layer_attention(list(q, q), use_causal_mask = "yes"), "`use_causal_mask` must be `TRUE` or `FALSE`", fixed = TRUE)
  expect_error(layer_attention(list(q, q), mask = TRUE), "`mask` must be a list of tensors or R arrays", fixed = TRUE)
})

test_that("a layer instance is callable from R and returns an R list for two outputs", {
  skip_if_no_keras()
  layer <- layer_attention()
  query <- random_array(2, 3, 4)
  value <- random_array(2, 5, 4)
  out <- layer(list(query, value), return_attention_scores = TRUE)
  expect_type(out, "list")
  expect_length(out, 2L)
  expect_identical(dim(as.array(out[[2]])), c(2L, 3L, 5L))
})

test_that("a layer without call arguments lists only the layer arguments", {
  skip_if_no_keras()
  err <- expect_error(layer_add(NULL, nmae = "x"), "Unknown argument `nmae` in `...`.", fixed = TRUE)
  expect_match(
    conditionMessage(err),
    "`...` takes the layer arguments `name`, `dtype`, `trainable`, `autocast`, `activity_regularizer`, `input_shape`, and `input_dim`.",
    fixed = TRUE
  )
  expect_match(conditionMessage(err), "Did you mean `name`?", fixed = TRUE)
})

test_that("every keyword argument of a Keras layer passes through `...`, checked by its type", {
  skip_if_no_keras()
  layer <- layer_attention(name = "kw", dtype = "float64", trainable = FALSE, autocast = FALSE,
                           activity_regularizer = "l2")
  expect_identical(layer$name, "kw")
  expect_identical(layer$dtype, "float64")
  expect_false(layer$trainable)
  expect_false(layer$autocast)
  expect_s3_class(layer$activity_regularizer, "keras.src.regularizers.regularizers.L2")
  expect_error(layer_attention(autocast = "no"), "`autocast` must be `TRUE` or `FALSE`, not the string \"no\".", fixed = TRUE)
  expect_error(layer_dense(units = 2, input_dim = 0), "`input_dim` must be a whole number >= 1, not the number 0.", fixed = TRUE)

  # Keras builds a sequential model from the first layer's input shape once a
  # second layer arrives.
  model <- keras_model_sequential()
  model |> layer_dense(units = 2, input_shape = c(4, 3)) |> layer_dense(units = 1)
  expect_identical(dim(model$inputs[[1]]), c(NA_integer_, 4L, 3L))
  expect_identical(dim(model$outputs[[1]]), c(NA_integer_, 4L, 1L))
  model <- keras_model_sequential()
  model |> layer_dense(units = 2, input_dim = 5) |> layer_dense(units = 1)
  expect_identical(dim(model$inputs[[1]]), c(NA_integer_, 5L))
})

test_that("an unknown argument's message leaves out the layer arguments the wrapper takes itself", {
  skip_if_no_keras()
  err <- expect_error(layer_embedding(input_dim = 10, output_dim = 2, nmae = "x"), "Unknown argument `nmae`", fixed = TRUE)
  expect_match(conditionMessage(err), "`name`, `dtype`, `trainable`, `autocast`, `activity_regularizer`, and `input_shape`.", fixed = TRUE)
  expect_no_match(conditionMessage(err), "`input_dim`", fixed = TRUE)
})
