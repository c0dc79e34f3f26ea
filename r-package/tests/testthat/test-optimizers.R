# The optimizers and learning-rate schedules (specs/optimizer_*.yaml and
# specs/learning_rate_schedule_*.yaml): each builds Keras's own class with the
# arguments given, trains a model in compile() and fit(), refuses bad values
# in R with the argument named, and (schedules) computes Keras's values.

# Each optimizer with arguments off Keras's defaults, and the Keras class that
# takes the same arguments. Whole numbers are integers, so one list serves both.
optimizer_cases <- function() {
  list(
    optimizer_adadelta = list("Adadelta", list(learning_rate = 0.5, rho = 0.8, epsilon = 1e-6)),
    optimizer_adafactor = list("Adafactor", list(learning_rate = 0.05, beta_2_decay = -0.5, clip_threshold = 0.5, relative_step = FALSE)),
    optimizer_adagrad = list("Adagrad", list(learning_rate = 0.2, initial_accumulator_value = 0.3)),
    optimizer_adam_w = list("AdamW", list(learning_rate = 0.02, weight_decay = 0.1, beta_1 = 0.8, amsgrad = TRUE)),
    optimizer_adamax = list("Adamax", list(learning_rate = 0.03, beta_1 = 0.7, beta_2 = 0.9)),
    optimizer_ftrl = list("Ftrl", list(learning_rate = 0.3, learning_rate_power = -0.3, l1_regularization_strength = 0.01, l2_shrinkage_regularization_strength = 0.02, beta = 0.1)),
    optimizer_lamb = list("Lamb", list(learning_rate = 0.04, beta_2 = 0.95, weight_decay = 0.01)),
    optimizer_lion = list("Lion", list(learning_rate = 0.01, beta_1 = 0.8, beta_2 = 0.95)),
    optimizer_muon = list("Muon", list(learning_rate = 0.05, momentum = 0.9, ns_steps = 3L, nesterov = FALSE, rms_rate = NULL, exclude_embeddings = FALSE)),
    optimizer_nadam = list("Nadam", list(learning_rate = 0.02, beta_1 = 0.85, epsilon = 1e-5)),
    optimizer_rmsprop = list("RMSprop", list(learning_rate = 0.02, rho = 0.8, momentum = 0.5, centered = TRUE)),
    optimizer_sgd = list("SGD", list(learning_rate = 0.1, momentum = 0.9, nesterov = TRUE, clipnorm = 0.5))
  )
}

# A tiny regression model, compiled with `optimizer`, and 16 rows to fit.
# Eager by default: tracing a graph for each of the 19 optimizers and schedules
# would cost most of the file's time (one test fits in graph mode).
tiny_fit <- function(optimizer, run_eagerly = TRUE) {
  model <- keras_model_sequential(input_shape = 3)
  layer_dense(model, 2, activation = "relu")
  layer_dense(model, 1)
  compile(model, optimizer = optimizer, loss = "mse", run_eagerly = run_eagerly)
  x <- matrix(seq(0.05, 2.4, length.out = 48), ncol = 3)
  before <- get_weights(model)
  fit(model, x, rowSums(x), epochs = 1, batch_size = 8, verbose = 0)
  list(model = model, before = before, after = get_weights(model))
}

# `steps` applications of the same gradient to a 3 x 2 variable: its values after them.
apply_steps <- function(optimizer, steps = 3) {
  keras <- py_keras()
  variable <- keras$Variable(matrix(c(1, -2, 3, 0.5, -1, 2), 3, 2), dtype = "float32")
  gradient <- keras$ops$convert_to_tensor(matrix(c(0.1, -0.3, 0.2, 0.4, -0.1, 0.05), 3, 2), dtype = "float32")
  for (i in seq_len(steps)) {
    optimizer$apply_gradients(list(reticulate::tuple(gradient, variable)))
  }
  as.array(variable$numpy())
}

test_that("each optimizer builds its Keras class with Keras's defaults, and the arguments given reach it", {
  skip_if_no_keras()
  keras <- py_keras()
  # The config as R values (Muon's `exclude_layers` is a Python list wrapper), less the name.
  without_name <- function(optimizer) {
    config <- lapply(optimizer$get_config(), function(value) {
      if (inherits(value, "python.builtin.object")) reticulate::import_builtins()$list(value) else value
    })
    config$name <- NULL
    config
  }
  for (f in names(optimizer_cases())) {
    case <- optimizer_cases()[[f]]
    fun <- getExportedValue("rkeras", f)
    ours <- fun()
    expect_true(is_instance(ours, paste0("keras.optimizers.", case[[1]])), info = f)
    expect_equal(without_name(ours), without_name(keras$optimizers[[case[[1]]]]()), info = f)
    # The same non-default arguments move a variable exactly as Keras's own optimizer does.
    moved <- apply_steps(do.call(fun, case[[2]]))
    expect_equal(moved, apply_steps(do.call(keras$optimizers[[case[[1]]]], case[[2]])), tolerance = 1e-6, info = f)
    # ... and differently from the defaults.
    expect_false(isTRUE(all.equal(moved, apply_steps(ours), tolerance = 1e-6)), info = f)
  }
  sgd <- optimizer_sgd(learning_rate = 0.2, momentum = 0.5, nesterov = TRUE, name = "my_sgd")
  expect_equal(as.numeric(sgd$learning_rate$numpy()), 0.2, tolerance = 1e-6)
  expect_identical(sgd$momentum, 0.5)
  expect_true(sgd$nesterov)
  expect_identical(sgd$name, "my_sgd")
  muon <- optimizer_muon(exclude_layers = c("output", "head"), ns_steps = 3)
  expect_identical(muon$ns_steps, 3L)
  expect_identical(unlist(reticulate::import_builtins()$list(muon$exclude_layers)), c("output", "head"))
  expect_identical(optimizer_adam_w()$weight_decay, 0.004)
  ftrl <- optimizer_ftrl(l2_regularization_strength = 0.5)
  expect_identical(ftrl$l2_regularization_strength, 0.5)
  # `...` is last in optimizer_lamb(), as in keras3: its arguments are positional.
  expect_equal(optimizer_lamb(0.01, 0.8)$beta_1, 0.8)
})

test_that("optimizer_loss_scale() wraps an optimizer, and leaves the other settings to it", {
  skip_if_no_keras()
  keras <- py_keras()
  inner <- optimizer_sgd(learning_rate = 0.1)
  scaled <- optimizer_loss_scale(inner, initial_scale = 1024, dynamic_growth_steps = 10, name = "scaled")
  expect_true(is_instance(scaled, "keras.optimizers.LossScaleOptimizer"))
  expect_true(is_instance(scaled$inner_optimizer, "keras.optimizers.SGD"))
  expect_identical(scaled$initial_scale, 1024)
  expect_identical(scaled$dynamic_growth_steps, 10L)
  expect_identical(scaled$name, "scaled")
  expect_identical(optimizer_loss_scale(inner)$initial_scale, 32768)
  expect_equal(
    apply_steps(optimizer_loss_scale(optimizer_sgd(learning_rate = 0.1), initial_scale = 4)),
    apply_steps(keras$optimizers$LossScaleOptimizer(keras$optimizers$SGD(learning_rate = 0.1), initial_scale = 4)),
    tolerance = 1e-6
  )
  expect_error(optimizer_loss_scale("sgd"), "`inner_optimizer` must be", class = "rkeras_arg_error")
  expect_error(optimizer_loss_scale(), "`inner_optimizer` is missing", class = "rkeras_arg_error")
  expect_error(optimizer_loss_scale(inner, initial_scale = 0), "`initial_scale` must be", class = "rkeras_arg_error")
  expect_error(optimizer_loss_scale(inner, dynamic_growth_steps = 1.5), "`dynamic_growth_steps` must be", class = "rkeras_arg_error")
  # Keras takes the other settings on the inner optimizer only.
  err <- expect_error(optimizer_loss_scale(inner, weight_decay = 0.1), class = "rkeras_python_ValueError")
  expect_match(conditionMessage(err), "weight_decay")
})

test_that("every optimizer trains a model in compile() and fit(), and keeps its state", {
  skip_if_no_keras()
  set_random_seed(1)
  optimizers <- c(
    lapply(names(optimizer_cases()), function(f) getExportedValue("rkeras", f)()),
    list(optimizer_loss_scale(optimizer_adam()))
  )
  for (optimizer in optimizers) {
    what <- class(optimizer)[[1]]
    trained <- tiny_fit(optimizer)
    expect_identical(reticulate::py_id(trained$model$optimizer), reticulate::py_id(optimizer), info = what)
    # Two batches of 8: two steps, and the weights moved.
    expect_equal(as.numeric(trained$model$optimizer$iterations$numpy()), 2, info = what)
    expect_false(isTRUE(all.equal(trained$before, trained$after)), info = what)
    expect_true(all(is.finite(unlist(trained$after))), info = what)
  }
})

test_that("bad optimizer arguments stop in R, naming the argument", {
  skip_if_no_keras()
  expect_error(optimizer_adadelta(rho = 1.5), "`rho` must be", class = "rkeras_arg_error")
  expect_error(optimizer_adafactor(relative_step = "yes"), "`relative_step` must be", class = "rkeras_arg_error")
  expect_error(optimizer_adafactor(beta_2_decay = 0.5), "`beta_2_decay` must be", class = "rkeras_arg_error")
  expect_error(optimizer_adagrad(initial_accumulator_value = -1), "`initial_accumulator_value` must be", class = "rkeras_arg_error")
  expect_error(optimizer_adam_w(weight_decay = NULL), "`weight_decay` must be", class = "rkeras_arg_error")
  expect_error(optimizer_adamax(beta_1 = -0.1), "`beta_1` must be", class = "rkeras_arg_error")
  expect_error(optimizer_ftrl(learning_rate_power = 0.5), "`learning_rate_power` must be", class = "rkeras_arg_error")
  expect_error(optimizer_ftrl(l1_regularization_strength = -1), "`l1_regularization_strength` must be", class = "rkeras_arg_error")
  expect_error(optimizer_lamb(epsilon = -1), "`epsilon` must be", class = "rkeras_arg_error")
  expect_error(optimizer_lion(learning_rate = "fast"), "`learning_rate` must be", class = "rkeras_arg_error")
  expect_error(optimizer_muon(ns_steps = 2.5), "`ns_steps` must be", class = "rkeras_arg_error")
  expect_error(optimizer_muon(exclude_layers = 1), "`exclude_layers` must be", class = "rkeras_arg_error")
  expect_error(optimizer_nadam(clipnorm = -1), "`clipnorm` must be", class = "rkeras_arg_error")
  expect_error(optimizer_rmsprop(centered = NA), "`centered` must be", class = "rkeras_arg_error")
  expect_error(optimizer_sgd(momentum = 1.5), "`momentum` must be", class = "rkeras_arg_error")
  expect_error(optimizer_sgd(ema_momentum = 2), "`ema_momentum` must be", class = "rkeras_arg_error")
  expect_error(optimizer_sgd(gradient_accumulation_steps = 1), "`gradient_accumulation_steps` must be", class = "rkeras_arg_error")
  expect_error(optimizer_sgd(loss_scale_factor = 0), "`loss_scale_factor` must be", class = "rkeras_arg_error")
  expect_error(optimizer_sgd(learning_rate = -0.1), "`learning_rate` must be", class = "rkeras_arg_error")
  expect_error(optimizer_sgd(name = 1), "`name` must be", class = "rkeras_arg_error")
})

# Each schedule with arguments, and the Keras class that takes the same ones.
schedule_cases <- function() {
  list(
    learning_rate_schedule_cosine_decay = list("CosineDecay", list(0.1, 20L, alpha = 0.1)),
    learning_rate_schedule_cosine_decay_restarts = list("CosineDecayRestarts", list(0.1, 10L, t_mul = 1.5, m_mul = 0.8, alpha = 0.05)),
    learning_rate_schedule_exponential_decay = list("ExponentialDecay", list(0.1, 10L, 0.5, staircase = TRUE)),
    learning_rate_schedule_inverse_time_decay = list("InverseTimeDecay", list(0.1, 5, 0.5)),
    learning_rate_schedule_piecewise_constant_decay = list("PiecewiseConstantDecay", list(c(3, 20), c(0.1, 0.05, 0.01))),
    learning_rate_schedule_polynomial_decay = list("PolynomialDecay", list(0.1, 20L, end_learning_rate = 0.01, power = 2, cycle = TRUE))
  )
}

test_that("each schedule builds its Keras class and gives Keras's learning rates at steps 0, 5 and 50", {
  skip_if_no_keras()
  keras <- py_keras()
  for (f in names(schedule_cases())) {
    case <- schedule_cases()[[f]]
    ours <- do.call(getExportedValue("rkeras", f), case[[2]])
    py_args <- case[[2]]
    # Keras takes the piecewise boundaries and values as Python lists.
    py_args <- lapply(py_args, function(x) if (length(x) > 1) as.list(x) else x)
    theirs <- do.call(keras$optimizers$schedules[[case[[1]]]], py_args)
    expect_true(is_instance(ours, paste0("keras.optimizers.schedules.", case[[1]])), info = f)
    expect_identical(ours$name, theirs$name, info = f)
    values <- vapply(c(0L, 5L, 50L), function(step) as.vector(as.array(ours(step))), 0)
    expected <- vapply(c(0L, 5L, 50L), function(step) as.vector(as.array(theirs(step))), 0)
    expect_equal(values, expected, tolerance = 1e-6, info = f)
    # The schedule decays: step 50 is not the initial rate.
    expect_lt(values[[3]], values[[1]])
  }
  # Values worked out by hand.
  exponential <- learning_rate_schedule_exponential_decay(0.1, decay_steps = 10, decay_rate = 0.5)
  expect_equal(as.vector(as.array(exponential(20L))), 0.025, tolerance = 1e-6)
  piecewise <- learning_rate_schedule_piecewise_constant_decay(c(3, 20), c(0.1, 0.05, 0.01))
  expect_equal(vapply(c(3L, 4L, 21L), function(s) as.vector(as.array(piecewise(s))), 0), c(0.1, 0.05, 0.01), tolerance = 1e-6)
  warm <- learning_rate_schedule_cosine_decay(0, decay_steps = 10, warmup_target = 0.1, warmup_steps = 10)
  expect_equal(vapply(c(0L, 5L, 10L, 20L), function(s) as.vector(as.array(warm(s))), 0), c(0, 0.05, 0.1, 0), tolerance = 1e-6)
  expect_identical(learning_rate_schedule_cosine_decay_restarts(0.1, 10)$name, "SGDRDecay")
})

test_that("a schedule as the learning rate of optimizer_sgd() trains a model, each step at its rate", {
  skip_if_no_keras()
  for (f in names(schedule_cases())) {
    schedule <- do.call(getExportedValue("rkeras", f), schedule_cases()[[f]][[2]])
    optimizer <- optimizer_sgd(learning_rate = schedule)
    expect_identical(reticulate::py_id(optimizer$`_learning_rate`), reticulate::py_id(schedule), info = f)
    trained <- tiny_fit(optimizer)
    expect_equal(as.numeric(optimizer$iterations$numpy()), 2, info = f)
    expect_false(isTRUE(all.equal(trained$before, trained$after)), info = f)
    # The optimizer's current rate is the schedule's at its step.
    expect_equal(as.numeric(optimizer$learning_rate$numpy()), as.vector(as.array(schedule(2L))), tolerance = 1e-6, info = f)
  }
})

test_that("a schedule in a wrapped optimizer trains a model in graph mode too", {
  skip_if_no_keras()
  schedule <- learning_rate_schedule_cosine_decay(0.05, decay_steps = 4, warmup_target = 0.1, warmup_steps = 2)
  optimizer <- optimizer_loss_scale(optimizer_adam_w(learning_rate = schedule, weight_decay = 0.01))
  trained <- tiny_fit(optimizer, run_eagerly = FALSE)
  expect_false(trained$model$run_eagerly)
  expect_equal(as.numeric(optimizer$iterations$numpy()), 2)
  expect_false(isTRUE(all.equal(trained$before, trained$after)))
  expect_equal(as.numeric(optimizer$inner_optimizer$learning_rate$numpy()), 0.1, tolerance = 1e-6)
})

test_that("bad schedule arguments stop in R, naming the argument", {
  skip_if_no_keras()
  expect_error(learning_rate_schedule_cosine_decay(0.1, decay_steps = 0), "`decay_steps` must be", class = "rkeras_arg_error")
  expect_error(learning_rate_schedule_cosine_decay(0.1, 10, alpha = 2), "`alpha` must be", class = "rkeras_arg_error")
  expect_error(learning_rate_schedule_cosine_decay(0.1, 10, warmup_steps = -1), "`warmup_steps` must be", class = "rkeras_arg_error")
  expect_error(learning_rate_schedule_cosine_decay(), "`initial_learning_rate` is missing", class = "rkeras_arg_error")
  expect_error(learning_rate_schedule_cosine_decay_restarts(0.1, first_decay_steps = "10"), "`first_decay_steps` must be", class = "rkeras_arg_error")
  expect_error(learning_rate_schedule_cosine_decay_restarts(0.1, 10, t_mul = 0), "`t_mul` must be", class = "rkeras_arg_error")
  expect_error(learning_rate_schedule_exponential_decay(0.1, decay_steps = 0, decay_rate = 0.5), "`decay_steps` must be", class = "rkeras_arg_error")
  expect_error(learning_rate_schedule_exponential_decay(0.1, 10, decay_rate = "fast"), "`decay_rate` must be", class = "rkeras_arg_error")
  expect_error(learning_rate_schedule_inverse_time_decay(0.1, decay_steps = 0, decay_rate = 0.5), "`decay_steps` must be", class = "rkeras_arg_error")
  expect_error(learning_rate_schedule_inverse_time_decay(-0.1, 1, 0.5), "`initial_learning_rate` must be", class = "rkeras_arg_error")
  expect_error(learning_rate_schedule_piecewise_constant_decay("a", c(0.1, 0.01)), "`boundaries` must be", class = "rkeras_arg_error")
  expect_error(learning_rate_schedule_piecewise_constant_decay(10, numeric()), "`values` must be", class = "rkeras_arg_error")
  expect_error(learning_rate_schedule_polynomial_decay(0.1, 10, power = -1), "`power` must be", class = "rkeras_arg_error")
  expect_error(learning_rate_schedule_polynomial_decay(0.1, 10, cycle = "yes"), "`cycle` must be", class = "rkeras_arg_error")
  # Keras checks that there is one value more than boundaries.
  err <- expect_error(learning_rate_schedule_piecewise_constant_decay(c(1, 2), c(0.1, 0.01)), class = "rkeras_python_ValueError")
  expect_match(conditionMessage(err), "length of boundaries")
})
