# The losses (family `losses`): each against Keras on the same inputs. With
# y_true and y_pred a loss computes Keras's function (with Keras's defaults
# and with other arguments, axes counted from 1 reaching Keras counted from
# 0); without them it is the Keras loss class, configured as asked, which
# compile() takes and a one-epoch fit() on tiny data uses. The R function
# itself stands for Keras's function in compile(). Bad values stop in R with
# an error naming the argument.
#
# Labels without dimensions are given as 1-d arrays (as.array()): a plain R
# vector reaches Python as a list, which some Keras losses refuse.

loss_data <- local({
  binary <- list(
    y_true = rbind(c(0, 1), c(0, 0), c(1, 1)),
    y_pred = rbind(c(0.6, 0.4), c(0.4, 0.6), c(0.9, 0.2))
  )
  categorical <- list(
    y_true = rbind(c(0, 1, 0), c(0, 0, 1), c(1, 0, 0)),
    y_pred = rbind(c(0.05, 0.95, 0), c(0.1, 0.8, 0.1), c(0.5, 0.3, 0.2))
  )
  sparse <- list(y_true = as.array(c(1, 2, 0)), y_pred = categorical$y_pred)
  regression <- list(
    y_true = rbind(c(1, 0.3, 1), c(0, 2, 1)),
    y_pred = rbind(c(1.9, 0.3, 1.8), c(0.5, 0.1, 3))
  )
  set.seed(11)
  ctc <- list(y_true = rbind(c(1, 2, 2), c(3, 1, 0)), y_pred = array(rnorm(2 * 6 * 4), c(2, 6, 4)))
  list(binary = binary, categorical = categorical, sparse = sparse, regression = regression, ctc = ctc)
})

# One case per loss with a Keras function: its data, its Keras function, its
# class, and (where it has any) other arguments as an R user writes them and
# as Keras takes them.
loss_cases <- list(
  loss_binary_focal_crossentropy = list(
    data = "binary", fn = "binary_focal_crossentropy", class = "BinaryFocalCrossentropy",
    r = list(apply_class_balancing = TRUE, alpha = 0.4, gamma = 3, label_smoothing = 0.1, axis = 2),
    py = list(apply_class_balancing = TRUE, alpha = 0.4, gamma = 3, label_smoothing = 0.1, axis = 1L)
  ),
  loss_categorical_crossentropy = list(
    data = "categorical", fn = "categorical_crossentropy", class = "CategoricalCrossentropy",
    r = list(from_logits = TRUE, label_smoothing = 0.2), py = list(from_logits = TRUE, label_smoothing = 0.2)
  ),
  loss_categorical_focal_crossentropy = list(
    data = "categorical", fn = "categorical_focal_crossentropy", class = "CategoricalFocalCrossentropy",
    r = list(alpha = c(0.2, 0.3, 0.5), gamma = 1, label_smoothing = 0.1),
    py = list(alpha = reticulate::tuple(0.2, 0.3, 0.5), gamma = 1, label_smoothing = 0.1)
  ),
  loss_categorical_generalized_cross_entropy = list(
    data = "sparse", fn = "categorical_generalized_cross_entropy", class = "CategoricalGeneralizedCrossEntropy",
    # Keras's function has no default q; see the skipped test below.
    default = list(q = 0.5), r = list(q = 0.8), py = list(q = 0.8)
  ),
  loss_categorical_hinge = list(data = "categorical", fn = "categorical_hinge", class = "CategoricalHinge"),
  loss_cosine_similarity = list(
    data = "regression", fn = "cosine_similarity", class = "CosineSimilarity",
    r = list(axis = 1), py = list(axis = 0L)
  ),
  loss_dice = list(data = "binary", fn = "dice", class = "Dice", r = list(axis = 2), py = list(axis = 1L)),
  loss_hinge = list(data = "binary", fn = "hinge", class = "Hinge"),
  loss_huber = list(data = "regression", fn = "huber", class = "Huber", r = list(delta = 0.5), py = list(delta = 0.5)),
  loss_kl_divergence = list(data = "categorical", fn = "kl_divergence", class = "KLDivergence"),
  loss_log_cosh = list(data = "regression", fn = "log_cosh", class = "LogCosh"),
  loss_mean_absolute_error = list(data = "regression", fn = "mean_absolute_error", class = "MeanAbsoluteError"),
  loss_mean_absolute_percentage_error = list(data = "regression", fn = "mean_absolute_percentage_error", class = "MeanAbsolutePercentageError"),
  loss_mean_squared_error = list(data = "regression", fn = "mean_squared_error", class = "MeanSquaredError"),
  loss_mean_squared_logarithmic_error = list(data = "regression", fn = "mean_squared_logarithmic_error", class = "MeanSquaredLogarithmicError"),
  loss_poisson = list(data = "regression", fn = "poisson", class = "Poisson"),
  loss_sparse_categorical_crossentropy = list(
    data = "sparse", fn = "sparse_categorical_crossentropy", class = "SparseCategoricalCrossentropy",
    r = list(from_logits = TRUE, ignore_class = 2), py = list(from_logits = TRUE, ignore_class = 2L)
  ),
  loss_squared_hinge = list(data = "binary", fn = "squared_hinge", class = "SquaredHinge"),
  loss_ctc = list(data = "ctc", fn = "ctc", class = "CTC"),
  loss_tversky = list(
    data = "binary", fn = "tversky", class = "Tversky",
    r = list(alpha = 0.3, beta = 0.7, axis = 2), py = list(alpha = 0.3, beta = 0.7, axis = 1L)
  )
)

expect_same_values <- function(ours, theirs, label) {
  expect_equal(as.vector(as.array(ours)), as.vector(as.array(theirs)), tolerance = 1e-6, label = label)
}

test_that("every loss computes Keras's values on y_true and y_pred, with its defaults and with other arguments", {
  skip_if_no_keras()
  losses <- py_keras()$losses
  for (r_name in names(loss_cases)) {
    case <- loss_cases[[r_name]]
    data <- loss_data[[case$data]]
    wrapper <- getExportedValue("rkeras", r_name)
    ours <- do.call(wrapper, c(list(data$y_true, data$y_pred), case$default))
    theirs <- do.call(losses[[case$fn]], c(list(data$y_true, data$y_pred), case$default))
    expect_same_values(ours, theirs, r_name)
    # Not trivially equal: the inputs give some non-zero loss.
    expect_true(any(abs(as.vector(as.array(ours))) > 1e-3), label = paste(r_name, "gives a non-zero loss"))
    if (!is.null(case$r)) {
      ours_args <- do.call(wrapper, c(list(data$y_true, data$y_pred), case$r))
      theirs_args <- do.call(losses[[case$fn]], c(list(data$y_true, data$y_pred), case$py))
      expect_same_values(ours_args, theirs_args, paste(r_name, "with arguments"))
      expect_false(isTRUE(all.equal(as.vector(as.array(ours_args)), as.vector(as.array(ours)))), label = paste(r_name, "arguments change the values"))
    }
    expect_identical(attr(wrapper, "py_function"), paste0("keras.losses.", case$fn))
  }
  # Spot checks against values worked out by hand or given in Keras's documentation.
  expect_equal(as.vector(as.array(loss_mean_squared_error(rbind(c(1, 0, 1)), rbind(c(0.9, 0.1, 0.8))))), 0.02, tolerance = 1e-6)
  expect_equal(as.vector(as.array(loss_mean_absolute_percentage_error(rbind(c(100, 200, 300)), rbind(c(90, 210, 310))))), 6.111111, tolerance = 1e-6)
  expect_equal(as.vector(as.array(loss_huber(rbind(c(0, 3)), rbind(c(0.5, 0))))), mean(c(0.5 * 0.5^2, 3 - 0.5)), tolerance = 1e-6)
  expect_equal(as.vector(as.array(loss_sparse_categorical_crossentropy(as.array(c(1, 2)), rbind(c(0.05, 0.95, 0), c(0.1, 0.8, 0.1))))), -log(c(0.95, 0.1)), tolerance = 1e-5)
  dice_true <- rbind(c(1, 1, 0, 0), c(1, 1, 0, 0))
  dice_pred <- rbind(c(0, 1, 0, 1), c(0.4, 0, 0, 0.9))
  expect_equal(as.vector(as.array(loss_dice(dice_true, dice_pred, axis = 2))), c(0.5, 0.7575758), tolerance = 1e-6)
  expect_equal(as.vector(as.array(loss_dice(dice_true, dice_pred, axis = c(1, 2)))), 0.6164384, tolerance = 1e-6)
  # Tversky with alpha = beta = 0.5 is Dice.
  expect_equal(as.vector(as.array(loss_tversky(dice_true, dice_pred, axis = 2))), c(0.5, 0.7575758), tolerance = 1e-6)
})

test_that("loss_categorical_generalized_cross_entropy computes with its default q", {
  skip_if_no_keras()
  # Keras's function has no default q; the wrapper sends its own, the class's.
  data <- loss_data$sparse
  expect_same_values(
    loss_categorical_generalized_cross_entropy(data$y_true, data$y_pred),
    py_keras()$losses$categorical_generalized_cross_entropy(data$y_true, data$y_pred, q = 0.5),
    "default q"
  )
})

test_that("loss_circle is Keras's Circle loss, configured as asked", {
  skip_if_no_keras()
  y_true <- as.array(c(0, 0, 1, 1, 2))
  y_pred <- rbind(c(1, 0), c(0.8, 0.6), c(0, 1), c(0.6, 0.8), c(-1, 0))
  loss <- loss_circle()
  expect_true(is_instance(loss, "keras.losses.Circle"))
  expect_same_values(loss(y_true, y_pred), py_keras()$losses$Circle()(y_true, y_pred), "circle")
  configured <- loss_circle(gamma = 64, margin = 0.25, remove_diagonal = FALSE, reduction = "none", name = "c")
  config <- configured$get_config()
  expect_identical(config$name, "c")
  expect_identical(configured$reduction, "none")
  expect_equal(config$gamma, 64)
  expect_equal(config$margin, 0.25)
  expect_false(config$remove_diagonal)
  theirs <- py_keras()$losses$Circle(gamma = 64, margin = 0.25, remove_diagonal = FALSE, reduction = "none")(y_true, y_pred)
  expect_same_values(configured(y_true, y_pred), theirs, "circle with arguments")
  # The unreduced values are Keras's function's.
  expect_same_values(configured(y_true, y_pred), py_keras()$losses$circle(y_true, y_pred, gamma = 64, margin = 0.25, remove_diagonal = FALSE), "circle function")
  expect_false(isTRUE(all.equal(as.vector(as.array(loss(y_true, y_pred))), mean(as.vector(as.array(theirs))))))
  # With y_true and y_pred, Keras's function, against a reference set too.
  expect_same_values(loss_circle(y_true, y_pred, gamma = 64), py_keras()$losses$circle(y_true, y_pred, gamma = 64), "circle values")
  ref_labels <- as.array(c(0, 1, 2))
  ref_embeddings <- rbind(c(1, 0), c(0, 1), c(-1, 0))
  expect_same_values(
    loss_circle(y_true, y_pred, ref_labels = ref_labels, ref_embeddings = ref_embeddings),
    py_keras()$losses$circle(y_true, y_pred, ref_labels = ref_labels, ref_embeddings = ref_embeddings),
    "circle against references"
  )
  expect_error(loss_circle(ref_labels = ref_labels), "`ref_labels` applies only to the values computed on `y_true` and `y_pred`", class = "rkeras_arg_error")
  expect_error(loss_circle(gamma = 0), "`gamma` must be", class = "rkeras_arg_error")
  expect_error(loss_circle(margin = "wide"), "`margin` must be", class = "rkeras_arg_error")
  expect_error(loss_circle(remove_diagonal = NA), "`remove_diagonal` must be", class = "rkeras_arg_error")
})

test_that("without y_true and y_pred every loss is its Keras class, configured as asked", {
  skip_if_no_keras()
  losses <- py_keras()$losses
  for (r_name in names(loss_cases)) {
    case <- loss_cases[[r_name]]
    wrapper <- getExportedValue("rkeras", r_name)
    loss <- wrapper(reduction = "sum", name = paste0("my_", case$fn))
    expect_true(is_instance(loss, paste0("keras.losses.", case$class)), label = r_name)
    expect_identical(loss$reduction, "sum")
    expect_identical(loss$name, paste0("my_", case$fn))
    if (!is.null(case$r)) {
      # The class's own arguments reach it as Keras takes them.
      configured <- do.call(wrapper, case$r)
      data <- loss_data[[case$data]]
      theirs <- do.call(losses[[case$class]], case$py)
      expect_same_values(configured(data$y_true, data$y_pred), theirs(data$y_true, data$y_pred), r_name)
    }
  }
  # Keras's get_config() of Huber and CosineSimilarity leaves out their
  # arguments; the wrapped function's keyword arguments hold them.
  expect_identical(loss_huber(delta = 2)$`_fn_kwargs`$delta, 2)
  expect_identical(loss_sparse_categorical_crossentropy(ignore_class = 255)$get_config()$ignore_class, 255L)
  expect_identical(loss_cosine_similarity(axis = 2)$`_fn_kwargs`$axis, 1L)
  expect_identical(loss_dice(axis = c(2, 3))$get_config()$axis, list(1L, 2L))
  expect_identical(loss_binary_focal_crossentropy()$get_config()$gamma, 2)
  expect_identical(loss_categorical_generalized_cross_entropy(q = 0.3)$q, 0.3)
  expect_identical(loss_mean_squared_error(reduction = NULL)$reduction, NULL)
  expect_identical(loss_ctc(dtype = "float64")$dtype, "float64")
})

test_that("bad values stop in R with an error naming the argument", {
  skip_if_no_keras()
  y <- rbind(c(0, 1))
  expect_error(loss_binary_focal_crossentropy(alpha = 1.5), "`alpha` must be", class = "rkeras_arg_error")
  expect_error(loss_binary_focal_crossentropy(gamma = -1), "`gamma` must be", class = "rkeras_arg_error")
  expect_error(loss_binary_focal_crossentropy(y, y, apply_class_balancing = "yes"), "`apply_class_balancing` must be", class = "rkeras_arg_error")
  expect_error(loss_categorical_crossentropy(label_smoothing = 2), "`label_smoothing` must be", class = "rkeras_arg_error")
  expect_error(loss_categorical_crossentropy(y, y, from_logits = NA), "`from_logits` must be", class = "rkeras_arg_error")
  expect_error(loss_categorical_focal_crossentropy(alpha = "a"), "`alpha` must be", class = "rkeras_arg_error")
  expect_error(loss_categorical_focal_crossentropy(gamma = -0.5), "`gamma` must be", class = "rkeras_arg_error")
  expect_error(loss_categorical_generalized_cross_entropy(q = 1), "`q` must be a number in \\(0, 1\\)", class = "rkeras_arg_error")
  expect_error(loss_categorical_generalized_cross_entropy(q = 0), "`q` must be", class = "rkeras_arg_error")
  expect_error(loss_cosine_similarity(axis = 0), "`axis` must be", class = "rkeras_arg_error")
  expect_error(loss_dice(axis = 1.5), "`axis` must be", class = "rkeras_arg_error")
  expect_error(loss_tversky(y, y, axis = "rows"), "`axis` must be", class = "rkeras_arg_error")
  expect_error(loss_huber(delta = 0), "`delta` must be a number > 0", class = "rkeras_arg_error")
  expect_error(loss_sparse_categorical_crossentropy(ignore_class = 1.5), "`ignore_class` must be", class = "rkeras_arg_error")
  expect_error(loss_tversky(alpha = -1), "`alpha` must be", class = "rkeras_arg_error")
  expect_error(loss_tversky(beta = Inf), "`beta` must be", class = "rkeras_arg_error")
  expect_error(loss_mean_squared_error(reduction = "average"), "`reduction` must be one of", class = "rkeras_arg_error")
  expect_error(loss_poisson(name = 1), "`name` must be", class = "rkeras_arg_error")
  expect_error(loss_ctc(dtype = 3), "`dtype` must be", class = "rkeras_arg_error")
  expect_error(loss_hinge(y), "`y_pred` is missing", class = "rkeras_arg_error")
  expect_error(loss_log_cosh(y, "a"), "`y_pred` must be", class = "rkeras_arg_error")
  expect_error(loss_kl_divergence(y, y, reduction = "sum"), "`reduction` configures the object", class = "rkeras_arg_error")
  expect_error(loss_squared_hinge(y, y, name = "n"), "`name` configures the object", class = "rkeras_arg_error")
})

# Tiny training data and a model for each kind of target; the model is built
# once and recompiled for each loss.
fit_data <- local({
  set.seed(5)
  n <- 16
  x <- matrix(runif(n * 3), n)
  classes <- sample(0:2, n, replace = TRUE)
  one_hot <- diag(3)[classes + 1, ]
  list(
    binary = list(x = x, y = matrix(as.numeric(rowSums(x) > 1.5)), units = 1, activation = "sigmoid"),
    categorical = list(x = x, y = one_hot, units = 3, activation = "softmax"),
    sparse = list(x = x, y = as.array(classes), units = 3, activation = "softmax"),
    regression = list(x = x, y = matrix(rowSums(x) + 0.5), units = 1, activation = "softplus"),
    ctc = list(x = array(runif(n * 6 * 3), c(n, 6, 3)), y = cbind(sample(1:3, n, TRUE), sample(1:3, n, TRUE), 0), units = 4, activation = NULL)
  )
})

fit_model <- function(kind) {
  data <- fit_data[[kind]]
  input_shape <- dim(data$x)[-1]
  model <- keras_model_sequential(input_shape = input_shape)
  layer_dense(model, data$units, activation = data$activation)
  model
}

fit_one_epoch <- function(model, loss, kind) {
  data <- fit_data[[kind]]
  compile(model, optimizer = "sgd", loss = loss, run_eagerly = TRUE)
  history <- fit(model, data$x, data$y, epochs = 1, batch_size = 16, verbose = 0)
  history$metrics$loss
}

test_that("every loss object and every loss function trains a model in compile() and fit()", {
  skip_if_no_keras()
  fit_kind <- c(
    loss_binary_focal_crossentropy = "binary", loss_categorical_crossentropy = "categorical",
    loss_categorical_focal_crossentropy = "categorical", loss_categorical_generalized_cross_entropy = "sparse",
    loss_categorical_hinge = "categorical", loss_cosine_similarity = "categorical", loss_dice = "binary",
    loss_hinge = "binary", loss_huber = "regression", loss_kl_divergence = "categorical",
    loss_log_cosh = "regression", loss_mean_absolute_error = "regression",
    loss_mean_absolute_percentage_error = "regression", loss_mean_squared_error = "regression",
    loss_mean_squared_logarithmic_error = "regression", loss_poisson = "regression",
    loss_sparse_categorical_crossentropy = "sparse", loss_squared_hinge = "binary", loss_ctc = "ctc",
    loss_tversky = "categorical"
  )
  expect_setequal(names(fit_kind), names(loss_cases))
  models <- lapply(fit_data, function(d) NULL)
  for (kind in names(fit_data)) models[[kind]] <- fit_model(kind)
  for (r_name in names(fit_kind)) {
    kind <- fit_kind[[r_name]]
    model <- models[[kind]]
    wrapper <- getExportedValue("rkeras", r_name)
    # The object form.
    loss <- fit_one_epoch(model, wrapper(), kind)
    expect_length(loss, 1)
    expect_true(is.finite(loss), label = paste(r_name, "object: finite loss"))
    expect_true(is_instance(model$loss, paste0("keras.losses.", loss_cases[[r_name]]$class)), label = r_name)
    # The R function stands for Keras's function, which the model trains
    # with; Keras calls it on y_true and y_pred alone, which
    # categorical_generalized_cross_entropy() refuses: it has no default q.
    if (r_name == "loss_categorical_generalized_cross_entropy") next
    loss <- fit_one_epoch(model, wrapper, kind)
    expect_true(is.finite(loss), label = paste(r_name, "function: finite loss"))
    expect_identical(model$loss$`__name__`, loss_cases[[r_name]]$fn, label = r_name)
  }
  # The reported loss is Keras's: evaluate() on the trained model agrees with the function.
  model <- models$regression
  compile(model, optimizer = "sgd", loss = loss_mean_squared_error)
  data <- fit_data$regression
  evaluated <- evaluate(model, data$x, data$y, verbose = 0)
  expected <- mean(as.vector(as.array(loss_mean_squared_error(data$y, predict(model, data$x, verbose = 0)))))
  expect_equal(as.numeric(evaluated[["loss"]]), expected, tolerance = 1e-5)
})

test_that("loss_circle trains a model of unit-norm embeddings", {
  skip_if_no_keras()
  set.seed(8)
  model <- keras_model_sequential(input_shape = 3)
  layer_dense(model, 4)
  layer_unit_normalization(model)
  x <- matrix(runif(48), 16)
  y <- as.array(sample(0:2, 16, replace = TRUE))
  compile(model, optimizer = "sgd", loss = loss_circle(gamma = 32), run_eagerly = TRUE)
  history <- fit(model, x, y, epochs = 1, batch_size = 16, verbose = 0)
  expect_true(is.finite(history$metrics$loss))
  expect_true(is_instance(model$loss, "keras.losses.Circle"))
  expect_equal(model$loss$get_config()$gamma, 32)
})
