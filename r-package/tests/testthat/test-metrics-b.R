# Metrics, group B: the IoU metrics, the probabilistic metrics, the
# reduction metrics (mean, sum, mean wrapper), the regression metrics and the
# correlation metrics. Each wrapper builds its Keras class, which computes
# the same values as the Keras class built with the same arguments; the
# wrappers with y_true and y_pred compute Keras's function on them; every
# metric that compile() can take shows in the history of a one-epoch fit;
# bad values stop in R with an error naming the argument.

keras_metric <- function(name) py_keras()$metrics[[name]]

expect_same_values <- function(ours, theirs, info = NULL) {
  expect_equal(as.vector(as.array(ours)), as.vector(as.array(theirs)), tolerance = 1e-6, info = info)
}

probs <- rbind(c(0.2, 0.3, 0.5), c(0.1, 0.2, 0.7), c(0.5, 0.3, 0.1), c(0.1, 0.4, 0.5))
one_hot <- rbind(c(0, 0, 1), c(1, 0, 0), c(0, 1, 0), c(1, 0, 0))
reg_true <- rbind(c(1, 2, 0.5), c(4, 5, 0.2), c(2, 0.3, 1), c(0.7, 3, 2))
reg_pred <- rbind(c(1.5, 2, 0.4), c(3, 5.5, 0.3), c(2.5, 0.2, 1.2), c(0.9, 2, 1.5))
binary_true <- rbind(c(0, 1), c(0, 0))
binary_pred <- rbind(c(0.6, 0.4), c(0.4, 0.6))

# One case per wrapper's class form: its arguments as an R user writes them,
# the Keras class and the same arguments as Python takes them (axes from 0,
# ints, tuples), and the update_state() arguments (`values` alone for the
# reduction metrics, else y_true, y_pred and maybe sample_weight).
class_cases <- list(
  metric_binary_iou = list(
    # Fractional sample weights need a float dtype: Keras's default is "int".
    r = list(target_class_ids = 0, threshold = 0.3, dtype = "float32"), py = "BinaryIoU",
    py_args = list(target_class_ids = reticulate::tuple(0L), threshold = 0.3, dtype = "float32"),
    update = list(c(0, 1, 0, 1), c(0.1, 0.2, 0.4, 0.7), sample_weight = c(0.2, 0.3, 0.4, 0.1))
  ),
  metric_iou = list(
    r = list(num_classes = 3, target_class_ids = c(0, 2), ignore_class = 1), py = "IoU",
    py_args = list(num_classes = 3L, target_class_ids = reticulate::tuple(0L, 2L), ignore_class = 1L),
    update = list(c(0, 1, 2, 2, 0), c(0, 2, 2, 1, 1))
  ),
  metric_mean_iou = list(
    r = list(num_classes = 3, sparse_y_pred = FALSE), py = "MeanIoU",
    py_args = list(num_classes = 3L, sparse_y_pred = FALSE),
    update = list(c(2, 0, 1, 0), probs)
  ),
  metric_one_hot_iou = list(
    r = list(num_classes = 3, target_class_ids = c(0, 2), dtype = "float32"), py = "OneHotIoU",
    py_args = list(num_classes = 3L, target_class_ids = reticulate::tuple(0L, 2L), dtype = "float32"),
    update = list(one_hot, probs, sample_weight = c(0.1, 0.2, 0.3, 0.4))
  ),
  metric_one_hot_mean_iou = list(
    r = list(num_classes = 3, dtype = "float32"), py = "OneHotMeanIoU", py_args = list(num_classes = 3L, dtype = "float32"),
    update = list(one_hot, probs, sample_weight = c(0.1, 0.2, 0.3, 0.4))
  ),
  metric_categorical_crossentropy = list(
    r = list(label_smoothing = 0.1), py = "CategoricalCrossentropy", py_args = list(label_smoothing = 0.1),
    update = list(one_hot, probs)
  ),
  metric_sparse_categorical_crossentropy = list(
    r = list(from_logits = TRUE), py = "SparseCategoricalCrossentropy", py_args = list(from_logits = TRUE),
    update = list(array(c(2, 0, 1, 0)), log(probs), sample_weight = c(0.3, 0.7, 1, 0.5))
  ),
  metric_kl_divergence = list(r = list(), py = "KLDivergence", py_args = list(), update = list(one_hot, probs)),
  metric_poisson = list(r = list(), py = "Poisson", py_args = list(), update = list(reg_true, reg_pred)),
  metric_mean = list(r = list(), py = "Mean", py_args = list(), update = list(c(1, 3, 5, 7), sample_weight = c(1, 1, 0, 0))),
  metric_sum = list(r = list(name = "total"), py = "Sum", py_args = list(name = "total"), update = list(c(1, 3, 5, 7))),
  metric_mean_wrapper = list(
    # A named entry of `...` reaches Keras, which passes it on to fn.
    r = list(fn = py_keras()$metrics$categorical_crossentropy, from_logits = TRUE), py = "MeanMetricWrapper",
    py_args = list(fn = py_keras()$metrics$categorical_crossentropy, from_logits = TRUE),
    update = list(one_hot, log(probs))
  ),
  metric_cosine_similarity = list(
    r = list(axis = 2), py = "CosineSimilarity", py_args = list(axis = 1L),
    update = list(reg_true, reg_pred, sample_weight = c(0.3, 0.7, 0.1, 0.2))
  ),
  metric_log_cosh_error = list(r = list(), py = "LogCoshError", py_args = list(), update = list(reg_true, reg_pred)),
  metric_mean_absolute_error = list(r = list(), py = "MeanAbsoluteError", py_args = list(), update = list(reg_true, reg_pred)),
  metric_mean_absolute_percentage_error = list(r = list(), py = "MeanAbsolutePercentageError", py_args = list(), update = list(reg_true, reg_pred)),
  metric_mean_squared_error = list(r = list(), py = "MeanSquaredError", py_args = list(), update = list(reg_true, reg_pred)),
  metric_mean_squared_logarithmic_error = list(r = list(), py = "MeanSquaredLogarithmicError", py_args = list(), update = list(reg_true, reg_pred)),
  metric_r2_score = list(
    r = list(class_aggregation = NULL, num_regressors = 1), py = "R2Score",
    py_args = list(class_aggregation = NULL, num_regressors = 1L), update = list(reg_true, reg_pred)
  ),
  metric_root_mean_squared_error = list(r = list(), py = "RootMeanSquaredError", py_args = list(), update = list(reg_true, reg_pred)),
  metric_concordance_correlation = list(
    r = list(axis = 1), py = "ConcordanceCorrelation", py_args = list(axis = 0L), update = list(reg_true, reg_pred)
  ),
  metric_pearson_correlation = list(
    r = list(axis = 1), py = "PearsonCorrelation", py_args = list(axis = 0L), update = list(reg_true, reg_pred)
  )
)

# The wrappers that also compute Keras's function on y_true and y_pred.
function_cases <- list(
  metric_categorical_crossentropy = list(
    r = list(from_logits = TRUE, label_smoothing = 0.2, axis = 2), py = "categorical_crossentropy",
    py_args = list(from_logits = TRUE, label_smoothing = 0.2, axis = 1L), y = list(one_hot, log(probs))
  ),
  metric_sparse_categorical_crossentropy = list(
    r = list(ignore_class = 1), py = "sparse_categorical_crossentropy",
    py_args = list(ignore_class = 1L), y = list(array(c(2, 0, 1, 0)), probs)
  ),
  metric_kl_divergence = list(r = list(), py = "kl_divergence", py_args = list(), y = list(one_hot, probs)),
  metric_poisson = list(r = list(), py = "poisson", py_args = list(), y = list(reg_true, reg_pred)),
  metric_mean_absolute_error = list(r = list(), py = "mean_absolute_error", py_args = list(), y = list(reg_true, reg_pred)),
  metric_mean_absolute_percentage_error = list(r = list(), py = "mean_absolute_percentage_error", py_args = list(), y = list(reg_true, reg_pred)),
  metric_mean_squared_error = list(r = list(), py = "mean_squared_error", py_args = list(), y = list(reg_true, reg_pred)),
  metric_mean_squared_logarithmic_error = list(r = list(), py = "mean_squared_logarithmic_error", py_args = list(), y = list(reg_true, reg_pred)),
  metric_concordance_correlation = list(r = list(axis = 1), py = "concordance_correlation", py_args = list(axis = 0L), y = list(reg_true, reg_pred)),
  metric_pearson_correlation = list(r = list(), py = "pearson_correlation", py_args = list(), y = list(reg_true, reg_pred))
)

test_that("every metric builds its Keras class, which computes the values of Keras's class built alike", {
  skip_if_no_keras()
  for (r_name in names(class_cases)) {
    case <- class_cases[[r_name]]
    ours <- do.call(r_name, case$r)
    theirs <- do.call(keras_metric(case$py), case$py_args)
    expect_true(is_instance(ours, paste0("keras.metrics.", case$py)), info = r_name)
    do.call(ours$update_state, case$update)
    do.call(theirs$update_state, case$update)
    expect_same_values(ours$result(), theirs$result(), info = r_name)
    # Not a trivial pass: the metric has moved from its initial value.
    expect_false(isTRUE(all(as.vector(as.array(ours$result())) == 0)), info = r_name)
  }
  # The arguments reach Keras coerced: ints, tuples, axes counted from 0.
  iou <- metric_iou(num_classes = 3, target_class_ids = c(0, 2), ignore_class = 255, sparse_y_true = FALSE, axis = 2, name = "iou02")
  expect_identical(iou$num_classes, 3L)
  expect_identical(unlist(reticulate::import_builtins()$list(iou$target_class_ids)), c(0L, 2L))
  expect_identical(iou$ignore_class, 255L)
  expect_false(iou$sparse_y_true)
  expect_identical(iou$axis, 1L)
  expect_identical(iou$name, "iou02")
  expect_identical(metric_binary_iou()$threshold, 0.5)
  expect_identical(unlist(reticulate::import_builtins()$list(metric_binary_iou()$target_class_ids)), c(0L, 1L))
  r2 <- metric_r2_score(class_aggregation = "variance_weighted_average", num_regressors = 2)
  expect_identical(r2$class_aggregation, "variance_weighted_average")
  expect_identical(r2$num_regressors, 2L)
  expect_identical(metric_cosine_similarity(axis = 1)$`_fn_kwargs`$axis, 0L)
  expect_identical(metric_categorical_crossentropy(axis = 1)$`_fn_kwargs`$axis, 0L)
  expect_identical(metric_log_cosh_error()$name, "logcosh")
  # NULL lets Keras name the metric after its class.
  expect_identical(metric_log_cosh_error(name = NULL)$name, "log_cosh_error")
  expect_identical(metric_one_hot_mean_iou(num_classes = 2, dtype = "float32")$dtype, "float32")
  expect_match(metric_one_hot_mean_iou(num_classes = 2)$dtype, "int")
  expect_identical(metric_mean(name = "m", dtype = "float64")$dtype, "float64")
})

test_that("the metrics with y_true and y_pred compute Keras's function on them", {
  skip_if_no_keras()
  for (r_name in names(function_cases)) {
    case <- function_cases[[r_name]]
    ours <- do.call(r_name, c(case$y, case$r))
    theirs <- do.call(keras_metric(case$py), c(case$y, case$py_args))
    expect_same_values(ours, theirs, info = r_name)
    expect_identical(attr(get(r_name), "py_function"), paste0("keras.metrics.", case$py), info = r_name)
  }
  # Hand-computed values, so the comparison is not of one wrong thing with itself.
  expect_equal(as.vector(as.array(metric_mean_squared_error(rbind(c(0, 1), c(0, 0)), rbind(c(1, 1), c(0, 0))))), c(0.5, 0))
  expect_equal(as.vector(as.array(metric_mean_absolute_error(reg_true, reg_pred))), rowMeans(abs(reg_true - reg_pred)), tolerance = 1e-6)
  expect_equal(
    as.vector(as.array(metric_pearson_correlation(reg_true, reg_pred, axis = 1))),
    diag(stats::cor(reg_true, reg_pred)),
    tolerance = 1e-5
  )
  expect_error(metric_poisson(reg_true), "`y_pred` is missing", class = "rkeras_arg_error")
  expect_error(metric_poisson(reg_true, reg_pred, name = "p"), "`name` configures the object", class = "rkeras_arg_error")
  expect_true(is_instance(metric_pearson_correlation(axis = 2), "keras.metrics.PearsonCorrelation"))
})

test_that("metric_mean_wrapper() wraps an R function, also in compile() and fit()", {
  skip_if_no_keras()
  squared <- function(y_true, y_pred) (y_true - y_pred)^2
  m <- metric_mean_wrapper(fn = squared, name = "squared")
  m$update_state(c(0, 1, 2), c(1, 1, 1))
  expect_equal(as.vector(as.array(m$result())), 2 / 3, tolerance = 1e-6)
  # An rkeras function given as fn computes as Keras's function does.
  mae <- metric_mean_wrapper(fn = metric_mean_absolute_error)
  theirs <- keras_metric("MeanMetricWrapper")(fn = py_keras()$metrics$mean_absolute_error)
  mae$update_state(reg_true, reg_pred)
  theirs$update_state(reg_true, reg_pred)
  expect_same_values(mae$result(), theirs$result())
  expect_error(metric_mean_wrapper(fn = "mse"), "`fn` must be", class = "rkeras_arg_error")
  expect_error(metric_mean_wrapper(), "`fn` is missing, with no default", class = "rkeras_arg_error")
})

test_that("bad values stop in R with an error naming the argument", {
  skip_if_no_keras()
  expect_error(metric_iou(num_classes = 0, target_class_ids = 0), "`num_classes` must be", class = "rkeras_arg_error")
  expect_error(metric_iou(num_classes = 2), "`target_class_ids` is missing, with no default", class = "rkeras_arg_error")
  expect_error(metric_iou(num_classes = 2, target_class_ids = "a"), "`target_class_ids` must be", class = "rkeras_arg_error")
  expect_error(metric_iou(num_classes = 2, target_class_ids = 0, ignore_class = 1.5), "`ignore_class` must be", class = "rkeras_arg_error")
  expect_error(metric_iou(num_classes = 2, target_class_ids = 0, sparse_y_true = NA), "`sparse_y_true` must be", class = "rkeras_arg_error")
  expect_error(metric_mean_iou(num_classes = 2.5), "`num_classes` must be", class = "rkeras_arg_error")
  expect_error(metric_mean_iou(num_classes = 2, axis = 0), "`axis` must be", class = "rkeras_arg_error")
  expect_error(metric_one_hot_iou(num_classes = 3, target_class_ids = 0.5), "`target_class_ids` must be", class = "rkeras_arg_error")
  expect_error(metric_one_hot_mean_iou(num_classes = 3, sparse_y_pred = "no"), "`sparse_y_pred` must be", class = "rkeras_arg_error")
  expect_error(metric_binary_iou(threshold = NA), "`threshold` must be", class = "rkeras_arg_error")
  expect_error(metric_binary_iou(target_class_ids = c(0, 1.5)), "`target_class_ids` must be", class = "rkeras_arg_error")
  expect_error(metric_categorical_crossentropy(label_smoothing = 1.5), "`label_smoothing` must be", class = "rkeras_arg_error")
  expect_error(metric_categorical_crossentropy(one_hot, probs, from_logits = "yes"), "`from_logits` must be", class = "rkeras_arg_error")
  expect_error(metric_sparse_categorical_crossentropy(ignore_class = "void"), "`ignore_class` must be", class = "rkeras_arg_error")
  expect_error(metric_kl_divergence(name = 1), "`name` must be", class = "rkeras_arg_error")
  expect_error(metric_poisson(dtype = 32), "`dtype` must be", class = "rkeras_arg_error")
  expect_error(metric_mean(name = c("a", "b")), "`name` must be", class = "rkeras_arg_error")
  expect_error(metric_sum(dtype = ""), "`dtype` must be", class = "rkeras_arg_error")
  expect_error(metric_cosine_similarity(axis = 0), "`axis` must be", class = "rkeras_arg_error")
  expect_error(metric_log_cosh_error(name = 1), "`name` must be", class = "rkeras_arg_error")
  expect_error(metric_mean_absolute_error(reg_true, "a"), "`y_pred` must be", class = "rkeras_arg_error")
  expect_error(metric_mean_absolute_percentage_error(name = TRUE), "`name` must be", class = "rkeras_arg_error")
  expect_error(metric_mean_squared_error("a", reg_pred), "`y_true` must be", class = "rkeras_arg_error")
  expect_error(metric_mean_squared_logarithmic_error(name = NA), "`name` must be", class = "rkeras_arg_error")
  expect_error(metric_r2_score(class_aggregation = "mean"), "`class_aggregation` must be one of", class = "rkeras_arg_error")
  expect_error(metric_r2_score(num_regressors = -1), "`num_regressors` must be", class = "rkeras_arg_error")
  expect_error(metric_root_mean_squared_error(name = 3), "`name` must be", class = "rkeras_arg_error")
  expect_error(metric_concordance_correlation(reg_true, reg_pred, axis = 0), "`axis` must be", class = "rkeras_arg_error")
  expect_error(metric_pearson_correlation(axis = "last"), "`axis` must be", class = "rkeras_arg_error")
  expect_error(metric_iou(2, num_classes = 2, target_class_ids = 0), "Every argument in `...` must be named", class = "rkeras_arg_error")
})

# Tiny data and one model builder for the compile() and fit() checks.
fit_metrics <- function(units, activation, loss, x, y, metrics) {
  model <- keras_model_sequential(input_shape = ncol(x))
  layer_dense(model, units, activation = activation)
  compile(model, optimizer = "sgd", loss = loss, metrics = metrics)
  fit(model, x, y, epochs = 1, batch_size = 8, verbose = 0)
}

test_that("every metric compile() can take shows in the history of a one-epoch fit", {
  skip_if_no_keras()
  set.seed(11)
  x <- matrix(runif(16 * 3), 16)

  # Regression: positive targets and predictions in (0, 1).
  y <- matrix(runif(16 * 3, 0.1, 1), 16)
  history <- fit_metrics(3, "sigmoid", "mse", x, y, list(
    metric_kl_divergence(name = "kl_object"), metric_kl_divergence,
    metric_poisson(name = "poisson_object"), metric_poisson,
    metric_mean_absolute_error(name = "mae_object"), metric_mean_absolute_error,
    metric_mean_absolute_percentage_error(name = "mape_object"), metric_mean_absolute_percentage_error,
    metric_mean_squared_error(name = "mse_object"), metric_mean_squared_error,
    metric_mean_squared_logarithmic_error(name = "msle_object"), metric_mean_squared_logarithmic_error,
    metric_concordance_correlation(name = "ccc_object"), metric_concordance_correlation,
    metric_pearson_correlation(name = "pcc_object"), metric_pearson_correlation,
    metric_cosine_similarity(), metric_log_cosh_error(), metric_r2_score(),
    metric_root_mean_squared_error(),
    metric_mean_wrapper(fn = function(y_true, y_pred) abs(y_true - y_pred), name = "r_abs")
  ))
  expect_named(history$metrics, c(
    "loss", "kl_object", "kl_divergence", "poisson_object", "poisson",
    "mae_object", "mean_absolute_error", "mape_object", "mean_absolute_percentage_error",
    "mse_object", "mean_squared_error", "msle_object", "mean_squared_logarithmic_error",
    "ccc_object", "concordance_correlation", "pcc_object", "pearson_correlation",
    "cosine_similarity", "logcosh", "r2_score", "root_mean_squared_error", "r_abs"
  ), ignore.order = TRUE)
  expect_true(all(vapply(history$metrics, function(v) all(is.finite(v)), TRUE)))
  # The object and the function compute the same, and the R function as Keras's.
  expect_equal(history$metrics$mae_object, history$metrics$mean_absolute_error, tolerance = 1e-5)
  expect_equal(history$metrics$r_abs, history$metrics$mean_absolute_error, tolerance = 1e-5)

  # One-hot classification over 3 classes.
  labels <- sample(0:2, 16, replace = TRUE)
  y <- diag(3)[labels + 1, ]
  history <- fit_metrics(3, "softmax", "categorical_crossentropy", x, y, list(
    metric_categorical_crossentropy(name = "cce_object"), metric_categorical_crossentropy,
    metric_one_hot_iou(num_classes = 3, target_class_ids = c(0, 1), name = "one_hot_iou"),
    metric_one_hot_mean_iou(num_classes = 3, name = "one_hot_mean_iou"),
    metric_binary_iou(name = "binary_iou"),
    metric_iou(num_classes = 3, target_class_ids = 2, sparse_y_true = FALSE, sparse_y_pred = FALSE, name = "iou")
  ))
  expect_named(history$metrics, c(
    "loss", "cce_object", "categorical_crossentropy", "one_hot_iou", "one_hot_mean_iou", "binary_iou", "iou"
  ), ignore.order = TRUE)

  # Sparse labels: class ids.
  history <- fit_metrics(3, "softmax", "sparse_categorical_crossentropy", x, labels, list(
    metric_sparse_categorical_crossentropy(name = "scce_object"), metric_sparse_categorical_crossentropy,
    metric_mean_iou(num_classes = 3, sparse_y_pred = FALSE, name = "mean_iou")
  ))
  expect_named(history$metrics, c("loss", "scce_object", "sparse_categorical_crossentropy", "mean_iou"), ignore.order = TRUE)
  expect_equal(history$metrics$scce_object, history$metrics$loss, tolerance = 1e-5)

  # metric_mean() and metric_sum() take one set of values, not y_true and
  # y_pred: Keras refuses them in compile(), so they are checked above with
  # update_state() and result() only. This shows the refusal is Keras's.
  expect_error(
    fit_metrics(1, NULL, "mse", x, runif(16), list(metric_mean())),
    "sample_weight", class = "rkeras_python_TypeError"
  )
})

test_that("metric_binary_crossentropy() builds its class, computes Keras's function, and fits", {
  skip_if_no_keras()
  ours <- metric_binary_crossentropy(label_smoothing = 0.1)
  theirs <- py_keras()$metrics$BinaryCrossentropy(label_smoothing = 0.1)
  expect_true(is_instance(ours, "keras.metrics.BinaryCrossentropy"))
  ours$update_state(binary_true, binary_pred, sample_weight = c(1, 0.5))
  theirs$update_state(binary_true, binary_pred, sample_weight = c(1, 0.5))
  expect_same_values(ours$result(), theirs$result())
  expect_same_values(
    metric_binary_crossentropy(binary_true, binary_pred, from_logits = TRUE, axis = 1),
    py_keras()$metrics$binary_crossentropy(binary_true, binary_pred, from_logits = TRUE, axis = 0L)
  )
  expect_equal(as.vector(as.array(metric_binary_crossentropy(binary_true, binary_pred))), c(0.9162907, 0.7135582), tolerance = 1e-6)
  expect_error(metric_binary_crossentropy(label_smoothing = -0.1), "`label_smoothing` must be", class = "rkeras_arg_error")
  expect_error(metric_binary_crossentropy(axis = 1), "`axis` applies only to the values computed on `y_true` and `y_pred`", class = "rkeras_arg_error")
  x <- matrix(runif(48), 16)
  history <- fit_metrics(1, "sigmoid", "binary_crossentropy", x, cbind(as.numeric(rowSums(x) > 1.5)),
    list(metric_binary_crossentropy(name = "bce_object"), metric_binary_crossentropy))
  expect_named(history$metrics, c("loss", "bce_object", "binary_crossentropy"), ignore.order = TRUE)
})
