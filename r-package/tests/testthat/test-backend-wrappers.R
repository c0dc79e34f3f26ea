# The backend wrappers: layer_jax_model_wrapper() (JaxLayer),
# layer_flax_module_wrapper() (FlaxLayer) and layer_torch_module_wrapper()
# (TorchModuleWrapper).
#   - keras3's names and order;
#   - a bad value of each argument is refused in R, naming it;
#   - without jax, flax or torch, creating the layer is one clear R error;
#   - where the module is there, the wrapper gives Keras's class, working.
# The default environment (TensorFlow backend) has none of jax, flax and
# torch, so the last group skips there; the rest runs everywhere.

bw_backend <- function() reticulate::import("keras")$config$backend()

bw_isinstance <- function(x, class) reticulate::import_builtins()$isinstance(x, class)

# A JAX linear model: `call_fn` with the argument names Keras reads, and its
# parameters as a Python dict of arrays.
bw_linear <- function() {
  jnp <- reticulate::import("jax.numpy")
  reticulate::py_func(function(params, inputs) {
    jnp$add(jnp$matmul(inputs, params$w), params$b)
  })
}

bw_params <- function() {
  reticulate::r_to_py(list(w = matrix(c(0.5, -1, 2, 0.25, 1, -0.5), 3, 2), b = array(c(1, -1))))
}

test_that("the backend wrappers take keras3's arguments, in keras3's order", {
  formals_of <- function(fn) names(formals(getExportedValue("rkeras", fn)))
  # keras3 takes `dtype` after `...`; here it comes before, and Keras's
  # native_serialization_platforms (not in keras3) after `seed`.
  expect_identical(
    formals_of("layer_jax_model_wrapper"),
    c("object", "call_fn", "init_fn", "params", "state", "seed",
      "native_serialization_platforms", "dtype", "...")
  )
  expect_identical(formals_of("layer_flax_module_wrapper"), c("object", "module", "method", "variables", "..."))
  # keras3's order (output_shape, name), not Keras's (name, output_shape).
  expect_identical(formals_of("layer_torch_module_wrapper"), c("object", "module", "output_shape", "name", "..."))
  for (fn in c("layer_jax_model_wrapper", "layer_flax_module_wrapper", "layer_torch_module_wrapper")) {
    defaults <- formals(getExportedValue("rkeras", fn))
    optional <- setdiff(names(defaults), c("object", "call_fn", "module", "..."))
    expect_true(all(vapply(defaults[optional], is.null, TRUE)), info = fn)
  }
})

test_that("every argument of the backend wrappers is typed, and a bad value is refused naming it", {
  skip_if_no_keras()
  expect_identical(
    unname(wrapper_coercers("layer_jax_model_wrapper")),
    c("arg_r_function", "arg_r_function", "arg_py_object", "arg_py_object", "arg_integer", "arg_strings", "arg_dtype")
  )
  expect_identical(unname(wrapper_coercers("layer_flax_module_wrapper")), c("arg_py_object", "arg_r_function", "arg_py_object"))
  expect_identical(unname(wrapper_coercers("layer_torch_module_wrapper")), c("arg_py_object", "arg_shape", "arg_string"))
  # Valid values of every argument: each is replaced in turn by a bad one,
  # refused in R before Keras (and jax, flax or torch) is reached.
  call_fn <- reticulate::py_eval("lambda params, inputs: inputs")
  pytree <- reticulate::dict(w = 1)
  expect_every_argument_checked("layer_jax_model_wrapper", list(
    call_fn = call_fn, init_fn = call_fn, params = pytree, state = pytree, seed = 3,
    native_serialization_platforms = "cpu", dtype = "float32"
  ))
  module <- reticulate::py_eval("object()")
  expect_every_argument_checked("layer_flax_module_wrapper", list(
    module = module, method = call_fn, variables = pytree
  ))
  expect_every_argument_checked("layer_torch_module_wrapper", list(
    module = module, output_shape = c(NA, 2), name = "wrapped"
  ))
  # An R list is no Python pytree: r_to_py() makes one.
  expect_error(
    layer_jax_model_wrapper(call_fn = call_fn, params = list(w = 1)),
    "`params` must be a Python object or `NULL`", fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(layer_jax_model_wrapper(), "`call_fn` is missing", fixed = TRUE, class = "rkeras_arg_error")
  expect_error(layer_torch_module_wrapper(), "`module` is missing", fixed = TRUE, class = "rkeras_arg_error")
})

# The error a user without the module gets: Keras's message, as one R error,
# never a Python traceback.
expect_clear_python_error <- function(expr, message, class) {
  err <- expect_error(expr, message, fixed = TRUE, class = class)
  expect_s3_class(err, "rkeras_python_error")
  expect_no_match(conditionMessage(err), "Traceback", fixed = TRUE)
  expect_no_match(conditionMessage(err), "File \"", fixed = TRUE)
}

test_that("without jax, layer_jax_model_wrapper() is a clear R error naming jax", {
  skip_if_no_keras()
  skip_if(reticulate::py_module_available("jax"), "jax is installed")
  skip_if(bw_backend() == "torch", "the torch backend refuses JaxLayer first")
  call_fn <- reticulate::py_eval("lambda inputs: inputs")
  expect_clear_python_error(
    layer_jax_model_wrapper(call_fn = call_fn),
    "This requires the jax module. You can install it via `pip install jax`",
    "rkeras_python_ImportError"
  )
  # Composing fails the same way, before any call.
  expect_clear_python_error(
    layer_jax_model_wrapper(matrix(1, 2, 3), call_fn = call_fn),
    "requires the jax module", "rkeras_python_ImportError"
  )
})

test_that("without flax, layer_flax_module_wrapper() is a clear R error naming flax", {
  skip_if_no_keras()
  skip_if(reticulate::py_module_available("flax"), "flax is installed")
  expect_clear_python_error(
    layer_flax_module_wrapper(module = reticulate::py_eval("object()")),
    "No module named 'flax'", "rkeras_python_ModuleNotFoundError"
  )
})

test_that("without torch, layer_torch_module_wrapper() is a clear R error naming torch", {
  skip_if_no_keras()
  skip_if(reticulate::py_module_available("torch"), "torch is installed")
  expect_clear_python_error(
    layer_torch_module_wrapper(module = reticulate::py_eval("object()")),
    "No module named 'torch'", "rkeras_python_ModuleNotFoundError"
  )
})

test_that("on the torch backend, layer_jax_model_wrapper() says which backends it needs", {
  skip_if_no_keras()
  skip_if_not(bw_backend() == "torch", "not the torch backend")
  expect_clear_python_error(
    layer_jax_model_wrapper(call_fn = reticulate::py_eval("lambda inputs: inputs")),
    "only supported with the JAX or Tensorflow backend", "rkeras_python_ValueError"
  )
})

test_that("layer_jax_model_wrapper() gives Keras's JaxLayer, which computes and trains", {
  skip_if_no_keras()
  skip_if_not(reticulate::py_module_available("jax"), "jax is not installed")
  skip_if_not(bw_backend() %in% c("jax", "tensorflow"), "JaxLayer needs the JAX or TensorFlow backend")
  keras <- reticulate::import("keras")
  x <- matrix(1:6, nrow = 2)
  expected <- x %*% matrix(c(0.5, -1, 2, 0.25, 1, -0.5), 3, 2) + matrix(c(1, -1), 2, 2, byrow = TRUE)

  layer <- layer_jax_model_wrapper(call_fn = bw_linear(), params = bw_params(), seed = 3, dtype = "float32")
  expect_true(bw_isinstance(layer, keras$layers$JaxLayer))
  expect_equal(as.array(layer(x)), expected, tolerance = 1e-6)
  theirs <- keras$layers$JaxLayer(call_fn = bw_linear(), params = bw_params(), seed = 3L, dtype = "float32")
  expect_equal(as.array(layer(x)), as.array(theirs(x * 1)), tolerance = 1e-6)
  expect_length(layer$trainable_weights, 2L)
  expect_identical(layer$get_config()$dtype$config$name, "float32")

  # Composed directly, and initialized by `init_fn` in a model that trains.
  expect_equal(as.array(layer_jax_model_wrapper(x, call_fn = bw_linear(), params = bw_params())), expected, tolerance = 1e-6)
  jnp <- reticulate::import("jax.numpy")
  init_fn <- reticulate::py_func(function(rng, inputs) {
    list(w = jnp$zeros(list(3L, 1L)), b = jnp$zeros(list(1L)))
  })
  input <- keras_input(shape = 3)
  model <- keras_model(input, layer_jax_model_wrapper(input, call_fn = bw_linear(), init_fn = init_fn))
  compile(model, optimizer = "sgd", loss = "mse")
  set.seed(1)
  xx <- matrix(stats::runif(60), ncol = 3)
  history <- fit(model, xx, xx %*% c(1, 2, 3), epochs = 3, verbose = 0)
  expect_lt(history$metrics$loss[[3]], history$metrics$loss[[1]])

  # A bare R function has no argument names for Keras to read.
  expect_error(
    layer_jax_model_wrapper(call_fn = function(params, inputs) inputs, params = bw_params()),
    "Missing required argument in `call_fn`: `inputs`", fixed = TRUE, class = "rkeras_python_ValueError"
  )
})

test_that("layer_flax_module_wrapper() gives Keras's FlaxLayer, which computes and trains", {
  skip_if_no_keras()
  skip_if_not(reticulate::py_module_available("flax"), "flax is not installed")
  skip_if_not(bw_backend() %in% c("jax", "tensorflow"), "FlaxLayer needs the JAX or TensorFlow backend")
  keras <- reticulate::import("keras")
  jax <- reticulate::import("jax")
  # In __main__: a local dict would hide `nn` from the class body.
  main <- reticulate::py_run_string("
import flax.linen as nn

class RkerasTwoDense(nn.Module):
    @nn.compact
    def __call__(self, inputs):
        return nn.Dense(features=2)(nn.relu(nn.Dense(features=4)(inputs)))
")
  module <- main$RkerasTwoDense()
  variables <- reticulate::r_to_py(module$init(jax$random$PRNGKey(0L), jax$numpy$ones(list(1L, 3L))))
  x <- matrix(stats::runif(6), nrow = 2)

  layer <- layer_flax_module_wrapper(module = module, variables = variables)
  expect_true(bw_isinstance(layer, keras$layers$FlaxLayer))
  theirs <- keras$layers$FlaxLayer(module = module, variables = variables)
  expect_equal(as.array(layer(x)), as.array(theirs(x)), tolerance = 1e-6)
  # `method`: an R function, with the module first.
  method <- reticulate::py_func(function(module, inputs) module(inputs))
  with_method <- layer_flax_module_wrapper(module = module, method = method, variables = variables)
  expect_equal(as.array(with_method(x)), as.array(theirs(x)), tolerance = 1e-6)

  input <- keras_input(shape = 3)
  model <- keras_model(input, layer_flax_module_wrapper(input, module = main$RkerasTwoDense()))
  expect_length(model$trainable_weights, 4L)
  compile(model, optimizer = "sgd", loss = "mse")
  history <- fit(model, matrix(stats::runif(30), ncol = 3), matrix(stats::runif(20), ncol = 2), epochs = 1, verbose = 0)
  expect_true(is.finite(history$metrics$loss[[1]]))
})

test_that("layer_torch_module_wrapper() gives Keras's TorchModuleWrapper, which computes and trains", {
  skip_if_no_keras()
  skip_if_not(reticulate::py_module_available("torch"), "torch is not installed")
  skip_if_not(bw_backend() == "torch", "TorchModuleWrapper needs the torch backend")
  keras <- reticulate::import("keras")
  torch <- reticulate::import("torch")
  nn <- reticulate::import("torch.nn")
  torch$manual_seed(1L)
  linear <- nn$Linear(3L, 2L)
  x <- matrix(stats::runif(6), nrow = 2)

  layer <- layer_torch_module_wrapper(module = linear, output_shape = c(NA, 2), name = "wrapped")
  expect_true(bw_isinstance(layer, keras$layers$TorchModuleWrapper))
  expect_identical(layer$name, "wrapped")
  expect_identical(layer$output_shape, list(NULL, 2L))
  theirs <- keras$layers$TorchModuleWrapper(linear)
  expect_equal(as.array(layer(x)), as.array(theirs(x)), tolerance = 1e-6)
  w <- linear$weight$detach()$numpy()
  b <- linear$bias$detach()$numpy()
  expect_equal(as.array(layer(x)), x %*% t(w) + matrix(b, 2, 2, byrow = TRUE), tolerance = 1e-5)
  # `training = FALSE` puts the module in evaluation mode: no dropout.
  dropout <- layer_torch_module_wrapper(module = nn$Dropout(0.5))
  expect_equal(as.array(dropout(matrix(1, 2, 4), training = FALSE)), matrix(1, 2, 4))

  input <- keras_input(shape = 3)
  model <- keras_model(input, layer_torch_module_wrapper(input, module = nn$Linear(3L, 1L), output_shape = c(NA, 1)))
  expect_length(model$trainable_weights, 2L)
  compile(model, optimizer = "sgd", loss = "mse")
  history <- fit(model, matrix(stats::runif(30), ncol = 3), matrix(stats::runif(10), ncol = 1), epochs = 1, verbose = 0)
  expect_true(is.finite(history$metrics$loss[[1]]))
})
