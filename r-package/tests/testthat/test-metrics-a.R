# Metrics (family "metrics"): accuracy, confusion-matrix, precision/recall,
# F-scores, hinge and the function-only metrics (huber, log-cosh, focal
# crossentropies). Each is compared with Keras on the same inputs, and used in
# compile() and a one-epoch fit().

# Small inputs shared by the value checks.
metric_inputs <- function() {
  list(
    bin_true = matrix(c(0, 1, 1, 1, 0, 1, 0, 0), ncol = 1),
    bin_pred = matrix(c(0.2, 0.8, 0.4, 0.9, 0.6, 0.3, 0.1, 0.7), ncol = 1),
    cat_true = rbind(c(0, 0, 1), c(0, 1, 0), c(1, 0, 0), c(0, 1, 0)),
    cat_pred = rbind(c(0.1, 0.6, 0.3), c(0.05, 0.9, 0.05), c(0.5, 0.3, 0.2), c(0.4, 0.35, 0.25)),
    sparse_true = c(2, 1, 0, 1),
    reg_true = rbind(c(0, 1), c(0, 0), c(2, -1)),
    reg_pred = rbind(c(0.6, 0.4), c(0.4, 0.6), c(0.5, 1.5))
  )
}

expect_same_values <- function(ours, theirs, ...) {
  expect_equal(as.vector(as.array(ours)), as.vector(as.array(theirs)), tolerance = 1e-6, ...)
}

# A metric object's result after one update_state() on the given inputs.
metric_result <- function(metric, y_true, y_pred) {
  metric$update_state(y_true, y_pred)
  metric$result()
}

test_that("metrics with y_true and y_pred compute Keras's values, without them build Keras's class", {
  skip_if_no_keras()
  d <- metric_inputs()
  km <- py_keras()$metrics
  # Values: ours against the Keras function on the same inputs and arguments.
  expect_same_values(metric_binary_accuracy(d$bin_true, d$bin_pred), km$binary_accuracy(d$bin_true, d$bin_pred))
  expect_same_values(metric_binary_accuracy(d$bin_true, d$bin_pred, threshold = 0.35),
                     km$binary_accuracy(d$bin_true, d$bin_pred, threshold = 0.35))
  expect_equal(as.vector(as.array(metric_binary_accuracy(d$bin_true, d$bin_pred))), c(1, 1, 0, 1, 0, 0, 1, 0))
  expect_same_values(metric_categorical_accuracy(d$cat_true, d$cat_pred), km$categorical_accuracy(d$cat_true, d$cat_pred))
  expect_equal(as.vector(as.array(metric_categorical_accuracy(d$cat_true, d$cat_pred))), c(0, 1, 1, 0))
  expect_same_values(metric_sparse_categorical_accuracy(d$sparse_true, d$cat_pred),
                     km$sparse_categorical_accuracy(d$sparse_true, d$cat_pred))
  # TensorFlow's top-k op takes float32 predictions only (R arrays are float64).
  expect_same_values(metric_hinge(d$reg_true, d$reg_pred), km$hinge(d$reg_true, d$reg_pred))
  expect_same_values(metric_squared_hinge(d$reg_true, d$reg_pred), km$squared_hinge(d$reg_true, d$reg_pred))
  expect_same_values(metric_categorical_hinge(d$cat_true, d$cat_pred), km$categorical_hinge(d$cat_true, d$cat_pred))
  # Keras's docstring value: mean hinge of rbind(c(0, 1), c(0, 0)) against rbind(c(0.6, 0.4), c(0.4, 0.6)).
  expect_equal(mean(as.array(metric_hinge(rbind(c(0, 1), c(0, 0)), rbind(c(0.6, 0.4), c(0.4, 0.6))))), 1.3, tolerance = 1e-6)

  # Objects: ours against Keras's class built with the same arguments.
  cases <- list(
    list(metric_binary_accuracy(threshold = 0.35), km$BinaryAccuracy(threshold = 0.35), "BinaryAccuracy", "bin"),
    list(metric_categorical_accuracy(), km$CategoricalAccuracy(), "CategoricalAccuracy", "cat"),
    list(metric_sparse_categorical_accuracy(), km$SparseCategoricalAccuracy(), "SparseCategoricalAccuracy", "sparse"),
    list(metric_hinge(), km$Hinge(), "Hinge", "reg"),
    list(metric_squared_hinge(), km$SquaredHinge(), "SquaredHinge", "reg"),
    list(metric_categorical_hinge(), km$CategoricalHinge(), "CategoricalHinge", "cat")
  )
  for (case in cases) {
    ours <- case[[1]]
    expect_true(is_instance(ours, paste0("keras.metrics.", case[[3]])), info = case[[3]])
    inputs <- switch(case[[4]],
      bin = list(d$bin_true, d$bin_pred), cat = list(d$cat_true, d$cat_pred),
      sparse = list(d$sparse_true, d$cat_pred), reg = list(d$reg_true, d$reg_pred)
    )
    expect_same_values(metric_result(ours, inputs[[1]], inputs[[2]]), metric_result(case[[2]], inputs[[1]], inputs[[2]]), info = case[[3]])
  }
  # Keras's defaults apply where no argument is given; given ones arrive typed.
  expect_identical(metric_binary_accuracy()$name, "binary_accuracy")
  expect_equal(metric_binary_accuracy()$threshold, 0.5)
  expect_identical(metric_hinge(dtype = "float64")$dtype, "float64")
})

test_that("function-only metrics compute Keras's values and are the Keras functions", {
  skip_if_no_keras()
  d <- metric_inputs()
  km <- py_keras()$metrics
  expect_same_values(metric_huber(d$reg_true, d$reg_pred), km$huber(d$reg_true, d$reg_pred))
  expect_same_values(metric_huber(d$reg_true, d$reg_pred, delta = 0.3), km$huber(d$reg_true, d$reg_pred, delta = 0.3))
  # Keras's docstring value.
  expect_equal(mean(as.array(metric_huber(rbind(c(0, 1), c(0, 0)), rbind(c(0.6, 0.4), c(0.4, 0.6))))), 0.155, tolerance = 1e-6)
  expect_same_values(metric_log_cosh(d$reg_true, d$reg_pred), km$log_cosh(d$reg_true, d$reg_pred))
  expect_same_values(metric_binary_focal_crossentropy(d$bin_true, d$bin_pred), km$binary_focal_crossentropy(d$bin_true, d$bin_pred))
  expect_same_values(
    metric_binary_focal_crossentropy(d$bin_true, d$bin_pred, apply_class_balancing = TRUE, alpha = 0.6, gamma = 1, label_smoothing = 0.1),
    km$binary_focal_crossentropy(d$bin_true, d$bin_pred, apply_class_balancing = TRUE, alpha = 0.6, gamma = 1, label_smoothing = 0.1)
  )
  # axis counts from 1: axis = 1 is Python's 0, the mean over the samples.
  over_samples <- metric_binary_focal_crossentropy(d$cat_true, d$cat_pred, axis = 1)
  expect_equal(dim(as.array(over_samples)), 3L)
  expect_same_values(over_samples, km$binary_focal_crossentropy(d$cat_true, d$cat_pred, axis = 0L))
  logits <- d$cat_pred * 4 - 2
  expect_same_values(metric_binary_focal_crossentropy(d$cat_true, logits, from_logits = TRUE),
                     km$binary_focal_crossentropy(d$cat_true, logits, from_logits = TRUE))
  expect_same_values(metric_categorical_focal_crossentropy(d$cat_true, d$cat_pred),
                     km$categorical_focal_crossentropy(d$cat_true, d$cat_pred))
  # alpha may be one weight per class.
  expect_same_values(
    metric_categorical_focal_crossentropy(d$cat_true, d$cat_pred, alpha = c(0.2, 0.3, 0.5), gamma = 1, label_smoothing = 0.1),
    km$categorical_focal_crossentropy(d$cat_true, d$cat_pred, alpha = c(0.2, 0.3, 0.5), gamma = 1, label_smoothing = 0.1)
  )
  expect_same_values(metric_categorical_focal_crossentropy(d$cat_true, logits, from_logits = TRUE),
                     km$categorical_focal_crossentropy(d$cat_true, logits, from_logits = TRUE))
  for (f in c("huber", "log_cosh", "binary_focal_crossentropy", "categorical_focal_crossentropy")) {
    expect_identical(attr(get(paste0("metric_", f)), "py_function"), paste0("keras.metrics.", f))
  }
  expect_error(metric_huber(d$reg_true), "`y_pred` is missing", class = "rkeras_arg_error")
  expect_error(metric_log_cosh(y_pred = d$reg_pred), "`y_true` is missing", class = "rkeras_arg_error")
})

test_that("confusion-matrix, precision/recall and F-score metrics build Keras's classes and agree with them", {
  skip_if_no_keras()
  d <- metric_inputs()
  km <- py_keras()$metrics
  bin <- function(ours, theirs, cls) list(ours, theirs, cls, d$bin_true, d$bin_pred)
  multi <- function(ours, theirs, cls) list(ours, theirs, cls, d$cat_true, d$cat_pred)
  cases <- list(
    bin(metric_false_negatives(), km$FalseNegatives(), "FalseNegatives"),
    bin(metric_false_positives(thresholds = 0.35), km$FalsePositives(thresholds = 0.35), "FalsePositives"),
    bin(metric_true_negatives(thresholds = c(0.25, 0.65)), km$TrueNegatives(thresholds = list(0.25, 0.65)), "TrueNegatives"),
    bin(metric_true_positives(thresholds = c(0.5, 0.85)), km$TruePositives(thresholds = list(0.5, 0.85)), "TruePositives"),
    bin(metric_precision(), km$Precision(), "Precision"),
    bin(metric_precision(thresholds = c(0.35, 0.75)), km$Precision(thresholds = list(0.35, 0.75)), "Precision"),
    multi(metric_precision(top_k = 2, class_id = 1), km$Precision(top_k = 2L, class_id = 1L), "Precision"),
    bin(metric_recall(thresholds = 0.75), km$Recall(thresholds = 0.75), "Recall"),
    multi(metric_recall(top_k = 1), km$Recall(top_k = 1L), "Recall"),
    bin(metric_precision_at_recall(recall = 0.6), km$PrecisionAtRecall(recall = 0.6), "PrecisionAtRecall"),
    multi(metric_precision_at_recall(recall = 0.5, num_thresholds = 20, class_id = 2),
          km$PrecisionAtRecall(recall = 0.5, num_thresholds = 20L, class_id = 2L), "PrecisionAtRecall"),
    bin(metric_recall_at_precision(precision = 0.7), km$RecallAtPrecision(precision = 0.7), "RecallAtPrecision"),
    bin(metric_sensitivity_at_specificity(specificity = 0.5, num_thresholds = 10),
        km$SensitivityAtSpecificity(specificity = 0.5, num_thresholds = 10L), "SensitivityAtSpecificity"),
    bin(metric_specificity_at_sensitivity(sensitivity = 0.6), km$SpecificityAtSensitivity(sensitivity = 0.6), "SpecificityAtSensitivity"),
    multi(metric_f1_score(), km$F1Score(), "F1Score"),
    multi(metric_f1_score(average = "weighted", threshold = 0.3), km$F1Score(average = "weighted", threshold = 0.3), "F1Score"),
    multi(metric_fbeta_score(beta = 2, threshold = 0.3), km$FBetaScore(beta = 2, threshold = 0.3), "FBetaScore"),
    multi(metric_fbeta_score(average = "micro"), km$FBetaScore(average = "micro"), "FBetaScore")
  )
  for (case in cases) {
    expect_true(is_instance(case[[1]], paste0("keras.metrics.", case[[3]])), info = case[[3]])
    ours <- metric_result(case[[1]], case[[4]], case[[5]])
    expect_same_values(ours, metric_result(case[[2]], case[[4]], case[[5]]), info = case[[3]])
  }
  # Known values (Keras's docstrings) and the vectors several thresholds give.
  expect_equal(as.vector(as.array(metric_result(metric_precision(), c(0, 1, 1, 1), c(1, 0, 1, 1)))), 2 / 3, tolerance = 1e-6)
  expect_equal(as.vector(as.array(metric_result(metric_false_negatives(), c(0, 1, 1, 1), c(0, 1, 0, 0)))), 2)
  counts <- metric_result(metric_true_positives(thresholds = c(0.5, 0.85)), d$bin_true, d$bin_pred)
  expect_equal(as.vector(as.array(counts)), c(2, 1))
  expect_equal(as.vector(as.array(metric_result(metric_f1_score(threshold = 0.5),
    rbind(c(1, 1, 1), c(1, 0, 0), c(1, 1, 0)), rbind(c(0.2, 0.6, 0.7), c(0.2, 0.6, 0.6), c(0.6, 0.8, 0))))),
    c(0.5, 0.8, 2 / 3), tolerance = 1e-6)
  # Arguments arrive typed; name and the required argument after `...`.
  precision <- metric_precision(top_k = 2, class_id = 1, name = "p2")
  expect_identical(precision$top_k, 2L)
  expect_identical(precision$class_id, 1L)
  expect_identical(precision$name, "p2")
  at_recall <- metric_precision_at_recall(recall = 0.8, num_thresholds = 50)
  expect_equal(at_recall$value, 0.8)
  expect_length(at_recall$thresholds, 50L)
  expect_identical(metric_fbeta_score(beta = 2)$beta, 2)
  expect_identical(metric_f1_score()$name, "f1_score")
  expect_error(metric_precision_at_recall(), "`recall` is missing", class = "rkeras_arg_error")
  expect_error(metric_specificity_at_sensitivity(num_thresholds = 5), "`sensitivity` is missing", class = "rkeras_arg_error")
})

test_that("bad values stop in R with the argument named", {
  skip_if_no_keras()
  y <- rbind(c(0, 1), c(1, 0))
  expect_error(metric_binary_accuracy(threshold = "high"), "`threshold` must be", class = "rkeras_arg_error")
  expect_error(metric_binary_accuracy(y, y, threshold = NA), "`threshold` must be", class = "rkeras_arg_error")
  expect_error(metric_categorical_accuracy(name = NA_character_), "`name` must be", class = "rkeras_arg_error")
  expect_error(metric_sparse_categorical_accuracy(dtype = 3), "`dtype` must be", class = "rkeras_arg_error")
  for (f in list(metric_hinge, metric_squared_hinge, metric_categorical_hinge)) {
    expect_error(f(name = c("a", "b")), "`name` must be", class = "rkeras_arg_error")
  }
  for (f in list(metric_false_negatives, metric_false_positives, metric_true_negatives, metric_true_positives,
                 metric_precision, metric_recall)) {
    expect_error(f(thresholds = "half"), "`thresholds` must be", class = "rkeras_arg_error")
    expect_error(f(thresholds = c(0.5, NA)), "`thresholds` must be", class = "rkeras_arg_error")
  }
  expect_error(metric_precision(top_k = 0), "`top_k` must be", class = "rkeras_arg_error")
  expect_error(metric_recall(class_id = -1), "`class_id` must be", class = "rkeras_arg_error")
  expect_error(metric_precision_at_recall(recall = 1.5), "`recall` must be", class = "rkeras_arg_error")
  expect_error(metric_recall_at_precision(precision = -0.1), "`precision` must be", class = "rkeras_arg_error")
  expect_error(metric_sensitivity_at_specificity(specificity = 0.5, num_thresholds = 0), "`num_thresholds` must be", class = "rkeras_arg_error")
  expect_error(metric_specificity_at_sensitivity(sensitivity = 0.5, class_id = 0.5), "`class_id` must be", class = "rkeras_arg_error")
  expect_error(metric_f1_score(average = "mean"), "`average` must be", class = "rkeras_arg_error")
  expect_error(metric_f1_score(threshold = 0), "`threshold` must be", class = "rkeras_arg_error")
  expect_error(metric_fbeta_score(beta = 0), "`beta` must be", class = "rkeras_arg_error")
  expect_error(metric_fbeta_score(threshold = 1.2), "`threshold` must be", class = "rkeras_arg_error")
  expect_error(metric_huber(y, y, delta = 0), "`delta` must be", class = "rkeras_arg_error")
  expect_error(metric_huber(y, "a"), "`y_pred` must be", class = "rkeras_arg_error")
  expect_error(metric_log_cosh("a", y), "`y_true` must be", class = "rkeras_arg_error")
  expect_error(metric_binary_focal_crossentropy(y, y, alpha = 2), "`alpha` must be", class = "rkeras_arg_error")
  expect_error(metric_binary_focal_crossentropy(y, y, gamma = -1), "`gamma` must be", class = "rkeras_arg_error")
  expect_error(metric_binary_focal_crossentropy(y, y, axis = 0), "`axis` must be", class = "rkeras_arg_error")
  expect_error(metric_categorical_focal_crossentropy(y, y, alpha = "a"), "`alpha` must be", class = "rkeras_arg_error")
  expect_error(metric_categorical_focal_crossentropy(y, y, label_smoothing = 1.1), "`label_smoothing` must be", class = "rkeras_arg_error")
  expect_error(metric_categorical_focal_crossentropy(y, y, from_logits = "yes"), "`from_logits` must be", class = "rkeras_arg_error")
  # The object's arguments are refused with values, and y_true needs y_pred.
  expect_error(metric_binary_accuracy(y, y, name = "acc"), "`name` configures the object", class = "rkeras_arg_error")
  expect_error(metric_hinge(y), "`y_pred` is missing", class = "rkeras_arg_error")
})

test_that("every metric but the top-k ones (below) works in compile() and is reported by a one-epoch fit()", {
  skip_if_no_keras()
  set.seed(1)
  x <- matrix(runif(48), ncol = 3)
  classes <- max.col(x) - 1
  one_hot <- diag(3)[classes + 1, ]
  fit_with <- function(units, activation, loss, y, metrics) {
    model <- keras_model_sequential(input_shape = 3)
    layer_dense(model, units, activation = activation)
    compile(model, optimizer = "adam", loss = loss, metrics = metrics)
    history <- fit(model, x, y, epochs = 1, batch_size = 8, verbose = 0)
    list(model = model, names = names(history$metrics), history = history)
  }
  metric_name <- function(m) if (!inherits(m, "python.builtin.object")) sub("^keras[.]metrics[.]", "", attr(m, "py_function")) else m$name
  groups <- list(
    list(1, "sigmoid", "binary_crossentropy", matrix(as.numeric(x[, 1] > 0.5), ncol = 1), list(
      metric_binary_accuracy(), metric_false_negatives(), metric_false_positives(),
      metric_true_negatives(), metric_true_positives(), metric_precision(), metric_recall(),
      metric_precision_at_recall(recall = 0.5), metric_recall_at_precision(precision = 0.5),
      metric_sensitivity_at_specificity(specificity = 0.5), metric_specificity_at_sensitivity(sensitivity = 0.5),
      metric_hinge(), metric_squared_hinge(), metric_binary_focal_crossentropy
    )),
    list(3, "softmax", "categorical_crossentropy", one_hot, list(
      metric_categorical_accuracy(),
      metric_categorical_hinge(), metric_f1_score(average = "macro"),
      metric_fbeta_score(beta = 2, average = "micro"), metric_categorical_focal_crossentropy
    )),
    list(3, "softmax", "sparse_categorical_crossentropy", classes, list(
      metric_sparse_categorical_accuracy()
    )),
    list(1, NULL, "mse", matrix(x[, 1] + x[, 2], ncol = 1), list(metric_huber, metric_log_cosh))
  )
  reported <- character()
  for (group in groups) {
    result <- fit_with(group[[1]], group[[2]], group[[3]], group[[4]], group[[5]])
    expected <- vapply(group[[5]], metric_name, "")
    expect_true(all(expected %in% result$names), info = paste(setdiff(expected, result$names), collapse = ", "))
    for (name in expected) {
      expect_true(all(is.finite(result$history$metrics[[name]])), info = name)
    }
    reported <- c(reported, expected)
  }
  expect_length(reported, 22L)
  expect_true(all(c("huber", "log_cosh", "binary_focal_crossentropy", "categorical_focal_crossentropy") %in% reported))
  # A metric with a Keras function may be given as the R function too.
  result <- fit_with(1, "sigmoid", "binary_crossentropy", matrix(as.numeric(x[, 1] > 0.5), ncol = 1), list(metric_binary_accuracy))
  expect_true("binary_accuracy" %in% result$names)
})

# metric_top_k_categorical_accuracy() and metric_sparse_top_k_categorical_accuracy()
# pass their argument `k` to keras_object_or_values(), whose helper
# supplied_object_args(key, ...) matches it partially to `key`: these tests
# need that runtime fixed (named, dot-prefixed formals after `...`).
test_that("top-k accuracies compute Keras's values, build Keras's classes and work in fit()", {
  skip_if_no_keras()
  d <- metric_inputs()
  km <- py_keras()$metrics
  f32 <- function(x) py_keras()$ops$convert_to_tensor(x, dtype = "float32")
  expect_same_values(metric_top_k_categorical_accuracy(d$cat_true, f32(d$cat_pred), k = 2),
                     km$top_k_categorical_accuracy(d$cat_true, f32(d$cat_pred), k = 2L))
  expect_equal(as.vector(as.array(metric_top_k_categorical_accuracy(d$cat_true, f32(d$cat_pred), k = 1))), c(0, 1, 1, 0))
  expect_same_values(metric_top_k_categorical_accuracy(d$cat_true, f32(d$cat_pred)),
                     km$top_k_categorical_accuracy(d$cat_true, f32(d$cat_pred)))
  expect_same_values(metric_sparse_top_k_categorical_accuracy(d$sparse_true, f32(d$cat_pred), k = 1),
                     km$sparse_top_k_categorical_accuracy(d$sparse_true, f32(d$cat_pred), k = 1L))
  expect_equal(as.vector(as.array(metric_sparse_top_k_categorical_accuracy(d$sparse_true, f32(d$cat_pred), k = 2))), c(1, 1, 1, 1))
  # IDs sorted by score need no float32.
  sorted_ids <- rbind(c(1, 0, 3), c(1, 2, 3))
  expect_same_values(metric_sparse_top_k_categorical_accuracy(c(2, 1), sorted_ids, k = 2, from_sorted_ids = TRUE),
                     km$sparse_top_k_categorical_accuracy(c(2, 1), sorted_ids, k = 2L, from_sorted_ids = TRUE))
  expect_equal(as.vector(as.array(metric_sparse_top_k_categorical_accuracy(c(2, 1), sorted_ids, k = 2, from_sorted_ids = TRUE))), c(0, 1))

  cases <- list(
    list(metric_top_k_categorical_accuracy(k = 2), km$TopKCategoricalAccuracy(k = 2L), "TopKCategoricalAccuracy", d$cat_true),
    list(metric_top_k_categorical_accuracy(k = 1), km$TopKCategoricalAccuracy(k = 1L), "TopKCategoricalAccuracy", d$cat_true),
    list(metric_sparse_top_k_categorical_accuracy(k = 1), km$SparseTopKCategoricalAccuracy(k = 1L), "SparseTopKCategoricalAccuracy", d$sparse_true)
  )
  for (case in cases) {
    expect_true(is_instance(case[[1]], paste0("keras.metrics.", case[[3]])), info = case[[3]])
    expect_same_values(metric_result(case[[1]], case[[4]], f32(d$cat_pred)), metric_result(case[[2]], case[[4]], f32(d$cat_pred)), info = case[[3]])
  }
  expect_identical(metric_top_k_categorical_accuracy()$k, 5L)
  expect_identical(metric_top_k_categorical_accuracy(k = 3)$k, 3L)
  sorted <- metric_sparse_top_k_categorical_accuracy(k = 2, from_sorted_ids = TRUE, name = "top2")
  expect_identical(sorted$name, "top2")
  expect_identical(sorted$k, 2L)
  expect_true(sorted$from_sorted_ids)
  expect_error(metric_top_k_categorical_accuracy(k = 0), "`k` must be", class = "rkeras_arg_error")
  expect_error(metric_top_k_categorical_accuracy(name = 1), "`name` must be", class = "rkeras_arg_error")
  expect_error(metric_sparse_top_k_categorical_accuracy(k = 1.5), "`k` must be", class = "rkeras_arg_error")
  expect_error(metric_sparse_top_k_categorical_accuracy(from_sorted_ids = NA), "`from_sorted_ids` must be", class = "rkeras_arg_error")

  set.seed(2)
  x <- matrix(runif(48), ncol = 3)
  classes <- max.col(x) - 1
  for (case in list(
    list(metric_top_k_categorical_accuracy(k = 2), "categorical_crossentropy", diag(3)[classes + 1, ]),
    list(metric_sparse_top_k_categorical_accuracy(k = 2), "sparse_categorical_crossentropy", classes)
  )) {
    model <- keras_model_sequential(input_shape = 3)
    layer_dense(model, 3, activation = "softmax")
    compile(model, optimizer = "adam", loss = case[[2]], metrics = list(case[[1]]))
    history <- fit(model, x, case[[3]], epochs = 1, batch_size = 8, verbose = 0)
    expect_true(case[[1]]$name %in% names(history$metrics), info = case[[1]]$name)
    expect_true(all(is.finite(history$metrics[[case[[1]]$name]])))
  }
})
