# The callbacks: the generated callback_*() wrappers of keras.callbacks, and
# Callback(), custom callbacks written in R (callback-custom.R).

# 16 rows, 4 features; y is their sum.
callback_data <- function() {
  set.seed(11)
  x <- matrix(runif(64), ncol = 4)
  list(x = x, y = rowSums(x))
}

# A small compiled model; `optimizer` defaults to SGD with learning rate 0.01.
# Run eagerly: on 16 rows, tracing a graph for each new model costs more than
# it saves.
callback_model <- function(optimizer = "sgd") {
  model <- keras_model_sequential(input_shape = 4)
  layer_dense(model, 1)
  compile(model, optimizer = optimizer, loss = "mse", run_eagerly = TRUE)
  model
}

learning_rate <- function(model) {
  as.numeric(model$optimizer$learning_rate$numpy())
}

test_that("every callback builds its Keras class with the arguments given, and Keras's defaults for the rest", {
  skip_if_no_keras()
  keras <- py_keras()
  dir <- tempfile("backup")
  backup <- callback_backup_and_restore(dir, save_freq = 2, double_checkpoint = TRUE, delete_checkpoint = FALSE)
  expect_true(is_instance(backup, "keras.callbacks.BackupAndRestore"))
  expect_identical(backup$backup_dir, dir)
  expect_identical(backup$save_freq, 2L)
  expect_true(backup$double_checkpoint)
  expect_false(backup$delete_checkpoint)
  expect_identical(callback_backup_and_restore(dir)$save_freq, "epoch")

  csv <- callback_csv_logger("log.csv", separator = ";", append = TRUE)
  expect_true(is_instance(csv, "keras.callbacks.CSVLogger"))
  expect_identical(csv$filename, "log.csv")
  expect_identical(csv$sep, ";")
  expect_true(csv$append)

  early <- callback_early_stopping(
    monitor = "loss", min_delta = 0.5, patience = 2, verbose = 1, mode = "min",
    baseline = 3, restore_best_weights = TRUE, start_from_epoch = 1
  )
  expect_true(is_instance(early, "keras.callbacks.EarlyStopping"))
  expect_identical(early$monitor, "loss")
  expect_equal(early$min_delta, 0.5)
  expect_identical(early$patience, 2L)
  expect_identical(early$verbose, 1L)
  expect_equal(early$baseline, 3)
  expect_true(early$restore_best_weights)
  expect_identical(early$start_from_epoch, 1L)
  default_early <- callback_early_stopping()
  reference <- keras$callbacks$EarlyStopping()
  for (field in c("monitor", "min_delta", "patience", "verbose", "baseline", "restore_best_weights", "start_from_epoch")) {
    expect_identical(default_early[[field]], reference[[field]], label = field)
  }

  on_end <- function(epoch, logs) NULL
  lambda <- callback_lambda(on_epoch_end = on_end)
  expect_true(is_instance(lambda, "keras.callbacks.LambdaCallback"))
  expect_true(reticulate::py_has_attr(lambda, "on_epoch_end"))

  scheduler <- callback_learning_rate_scheduler(function(epoch, lr) lr, verbose = 1)
  expect_true(is_instance(scheduler, "keras.callbacks.LearningRateScheduler"))
  expect_identical(scheduler$verbose, 1L)

  checkpoint <- callback_model_checkpoint("model.keras",
    monitor = "loss", verbose = 1, save_best_only = TRUE,
    mode = "min", save_freq = 3, initial_value_threshold = 2
  )
  expect_true(is_instance(checkpoint, "keras.callbacks.ModelCheckpoint"))
  expect_identical(checkpoint$monitor, "loss")
  expect_true(checkpoint$save_best_only)
  expect_false(checkpoint$save_weights_only)
  expect_identical(checkpoint$save_freq, 3L)
  expect_equal(checkpoint$best, 2)
  expect_identical(callback_model_checkpoint("model.keras")$save_freq, "epoch")

  reduce <- callback_reduce_lr_on_plateau(
    monitor = "loss", factor = 0.5, patience = 2, verbose = 1, mode = "max",
    min_delta = 0.01, cooldown = 1, min_lr = 0.001
  )
  expect_true(is_instance(reduce, "keras.callbacks.ReduceLROnPlateau"))
  expect_equal(reduce$factor, 0.5)
  expect_identical(reduce$patience, 2L)
  expect_identical(reduce$mode, "max")
  expect_equal(reduce$min_delta, 0.01)
  expect_identical(reduce$cooldown, 1L)
  expect_equal(reduce$min_lr, 0.001)
  expect_equal(callback_reduce_lr_on_plateau()$factor, keras$callbacks$ReduceLROnPlateau()$factor)

  remote <- callback_remote_monitor(
    root = "http://example.org", path = "/log/", field = "payload",
    headers = c(Authorization = "Bearer token", Accept = "json"), send_as_json = TRUE
  )
  expect_true(is_instance(remote, "keras.callbacks.RemoteMonitor"))
  expect_identical(remote$root, "http://example.org")
  expect_identical(remote$path, "/log/")
  expect_identical(remote$field, "payload")
  expect_identical(remote$headers, list(Authorization = "Bearer token", Accept = "json"))
  expect_true(remote$send_as_json)
  expect_null(callback_remote_monitor()$headers)

  swap <- callback_swap_ema_weights(swap_on_epoch = TRUE)
  expect_true(is_instance(swap, "keras.callbacks.SwapEMAWeights"))
  expect_true(swap$swap_on_epoch)

  log_dir <- tempfile("logs")
  board <- callback_tensorboard(log_dir,
    histogram_freq = 1, write_graph = FALSE, write_images = TRUE,
    write_steps_per_second = TRUE, update_freq = "batch", profile_batch = c(2, 4),
    embeddings_freq = 1, embeddings_metadata = c(embedding = "meta.tsv")
  )
  expect_true(is_instance(board, "keras.callbacks.TensorBoard"))
  expect_identical(board$log_dir, log_dir)
  expect_identical(board$histogram_freq, 1L)
  expect_false(board$write_graph)
  expect_true(board$write_images)
  expect_identical(board$update_freq, 1L) # Keras's synonym of "batch"
  expect_identical(board$`_start_batch`, 2L)
  expect_identical(board$`_stop_batch`, 4L)
  expect_identical(board$embeddings_metadata, list(embedding = "meta.tsv"))
  expect_identical(callback_tensorboard(log_dir, update_freq = 5)$update_freq, 5L)

  nan <- callback_terminate_on_nan(raise_error = TRUE)
  expect_true(is_instance(nan, "keras.callbacks.TerminateOnNaN"))
  expect_true(nan$raise_error)
  expect_false(callback_terminate_on_nan()$raise_error)
})

test_that("bad values stop in R with an error naming the argument", {
  skip_if_no_keras()
  arg_error <- function(expr, arg) {
    expect_error(expr, paste0("`", arg, "` must be"), class = "rkeras_arg_error")
  }
  arg_error(callback_backup_and_restore(backup_dir = 1), "backup_dir")
  arg_error(callback_backup_and_restore(tempfile(), save_freq = 0), "save_freq")
  arg_error(callback_csv_logger("log.csv", append = NA), "append")
  arg_error(callback_csv_logger("log.csv", separator = c(",", ";")), "separator")
  arg_error(callback_early_stopping(patience = -1), "patience")
  arg_error(callback_early_stopping(patience = 1.5), "patience")
  arg_error(callback_early_stopping(mode = "minimum"), "mode")
  arg_error(callback_early_stopping(min_delta = -1), "min_delta")
  arg_error(callback_early_stopping(verbose = 2), "verbose")
  arg_error(callback_early_stopping(baseline = NA), "baseline")
  arg_error(callback_lambda(on_epoch_end = "print"), "on_epoch_end")
  arg_error(callback_lambda(on_train_batch_end = 1), "on_train_batch_end")
  arg_error(callback_learning_rate_scheduler(schedule = 0.1), "schedule")
  arg_error(callback_model_checkpoint("model.keras", save_freq = "sometimes"), "save_freq")
  arg_error(callback_model_checkpoint("model.keras", save_freq = "batch"), "save_freq")
  arg_error(callback_backup_and_restore(tempfile(), save_freq = "batch"), "save_freq")
  arg_error(callback_model_checkpoint("model.keras", save_best_only = "yes"), "save_best_only")
  arg_error(callback_model_checkpoint(filepath = NULL), "filepath")
  arg_error(callback_reduce_lr_on_plateau(factor = 1), "factor")
  arg_error(callback_reduce_lr_on_plateau(factor = 0), "factor")
  arg_error(callback_reduce_lr_on_plateau(min_lr = -0.1), "min_lr")
  arg_error(callback_remote_monitor(headers = list("token")), "headers")
  arg_error(callback_remote_monitor(root = 9000), "root")
  arg_error(callback_swap_ema_weights(swap_on_epoch = "yes"), "swap_on_epoch")
  arg_error(callback_tensorboard(update_freq = 0), "update_freq")
  arg_error(callback_tensorboard(profile_batch = 1.5), "profile_batch")
  arg_error(callback_tensorboard(histogram_freq = -1), "histogram_freq")
  arg_error(callback_tensorboard(embeddings_metadata = c("a.tsv", "b.tsv")), "embeddings_metadata")
  arg_error(callback_terminate_on_nan(raise_error = 1), "raise_error")
  # `...` takes only named entries, which reach Keras as keywords.
  expect_error(callback_lambda(function(epoch, logs) NULL, function(logs) NULL, NULL, NULL, NULL, NULL, print),
    "Every argument in `...` must be named",
    class = "rkeras_arg_error"
  )
})

test_that("every callback is accepted by fit() and runs in a one-epoch fit", {
  skip_if_no_keras()
  data <- callback_data()
  # EMA weights for callback_swap_ema_weights(); the other callbacks don't mind.
  model <- callback_model(optimizer_adam(learning_rate = 0.01, use_ema = TRUE))
  callbacks <- list(
    callback_backup_and_restore = callback_backup_and_restore(tempfile("backup")),
    callback_csv_logger = callback_csv_logger(tempfile(fileext = ".csv")),
    callback_early_stopping = callback_early_stopping(monitor = "loss"),
    callback_lambda = callback_lambda(on_epoch_end = function(epoch, logs) NULL),
    callback_learning_rate_scheduler = callback_learning_rate_scheduler(function(epoch, lr) lr),
    callback_model_checkpoint = callback_model_checkpoint(tempfile(fileext = ".keras"), monitor = "loss"),
    callback_reduce_lr_on_plateau = callback_reduce_lr_on_plateau(monitor = "loss"),
    callback_swap_ema_weights = callback_swap_ema_weights(swap_on_epoch = TRUE),
    callback_terminate_on_nan = callback_terminate_on_nan(),
    Callback = Callback("Nothing", on_epoch_end = function(epoch, logs) NULL)()
  )
  for (name in names(callbacks)) {
    history <- fit(model, data$x, data$y, epochs = 1, batch_size = 8, verbose = 0, callbacks = list(callbacks[[name]]))
    expect_s3_class(history, "rkeras_history")
    expect_length(history$metrics$loss, 1L)
    expect_true(is.finite(history$metrics$loss), label = name)
  }
  # All together, as a list, with validation.
  history <- fit(model, data$x, data$y, epochs = 1, batch_size = 8, verbose = 0,
    validation_split = 0.25, callbacks = unname(callbacks))
  expect_length(history$metrics$loss, 1L)
  expect_true(is.finite(history$metrics$val_loss))
})

test_that("callback_lambda() calls its R functions with the epoch or batch and the logs as a named list", {
  skip_if_no_keras()
  data <- callback_data()
  model <- callback_model()
  seen <- new.env()
  seen$epochs <- integer()
  seen$losses <- numeric()
  seen$batches <- integer()
  seen$begin <- 0L
  seen$end <- 0L
  seen$test_end <- 0L
  record <- callback_lambda(
    on_epoch_end = function(epoch, logs) {
      expect_type(logs, "list")
      expect_true("loss" %in% names(logs))
      seen$epochs <- c(seen$epochs, epoch)
      seen$losses <- c(seen$losses, logs$loss)
    },
    on_train_begin = function(logs) seen$begin <- seen$begin + 1L,
    on_train_end = function(logs) seen$end <- seen$end + 1L,
    on_train_batch_end = function(batch, logs) {
      expect_type(logs$loss, "double")
      seen$batches <- c(seen$batches, batch)
    },
    # Other methods of Keras's Callback go by name through `...`.
    on_test_end = function(logs) seen$test_end <- seen$test_end + 1L
  )
  history <- fit(model, data$x, data$y, epochs = 3, batch_size = 4, verbose = 0, callbacks = list(record))
  # Once per epoch, counted from 1 as in keras3, with the epoch's loss.
  expect_identical(seen$epochs, 1:3)
  expect_type(seen$losses, "double")
  expect_equal(seen$losses, history$metrics$loss, tolerance = 1e-6)
  # Once per batch: 16 rows in batches of 4, for 3 epochs.
  expect_identical(seen$batches, rep(1:4, 3))
  expect_identical(c(seen$begin, seen$end), c(1L, 1L))
  expect_identical(seen$test_end, 0L)
  evaluate(model, data$x, data$y, verbose = 0, callbacks = list(record))
  expect_identical(seen$test_end, 1L)
})

test_that("callback_early_stopping() stops training when the monitored loss stops improving", {
  skip_if_no_keras()
  data <- callback_data()
  model <- callback_model()
  # No epoch improves the loss by 1e9: training stops after the first epoch
  # without improvement.
  stop_early <- callback_early_stopping(monitor = "loss", min_delta = 1e9, patience = 1)
  history <- fit(model, data$x, data$y, epochs = 10, verbose = 0, callbacks = list(stop_early))
  expect_lt(length(history$metrics$loss), 10L)
  expect_length(history$metrics$loss, 2L)
  expect_identical(stop_early$stopped_epoch, 1L)
  # Without the callback, all epochs run.
  history <- fit(callback_model(), data$x, data$y, epochs = 4, verbose = 0)
  expect_length(history$metrics$loss, 4L)
})

test_that("callback_model_checkpoint() writes a model that load_model() reads back, and save_best_only works", {
  skip_if_no_keras()
  data <- callback_data()
  model <- callback_model()
  path <- tempfile(fileext = ".keras")
  fit(model, data$x, data$y, epochs = 2, verbose = 0, callbacks = list(callback_model_checkpoint(path)))
  expect_true(file.exists(path))
  loaded <- load_model(path)
  expect_true(is_instance(loaded, "keras.Model"))
  # Saved after the last epoch: the same predictions as the trained model.
  expect_equal(predict(loaded, data$x, verbose = 0), predict(model, data$x, verbose = 0), tolerance = 1e-6)

  # save_best_only: nothing is better than a loss of 0, so nothing is written.
  never <- tempfile(fileext = ".keras")
  fit(model, data$x, data$y, epochs = 2, verbose = 0, callbacks = list(
    callback_model_checkpoint(never, monitor = "loss", save_best_only = TRUE, initial_value_threshold = 0)
  ))
  expect_false(file.exists(never))
  best <- tempfile(fileext = ".keras")
  checkpoint <- callback_model_checkpoint(best, monitor = "loss", save_best_only = TRUE)
  history <- fit(model, data$x, data$y, epochs = 2, verbose = 0, callbacks = list(checkpoint))
  expect_true(file.exists(best))
  expect_equal(checkpoint$best, min(history$metrics$loss), tolerance = 1e-6)

  # Formatting options in the path, and weights only.
  dir <- tempfile("checkpoints")
  dir.create(dir)
  fit(model, data$x, data$y, epochs = 2, verbose = 0, callbacks = list(
    callback_model_checkpoint(file.path(dir, "epoch-{epoch:02d}.weights.h5"), save_weights_only = TRUE)
  ))
  expect_setequal(list.files(dir), c("epoch-01.weights.h5", "epoch-02.weights.h5"))
})

test_that("callback_csv_logger() writes one row per epoch", {
  skip_if_no_keras()
  data <- callback_data()
  path <- tempfile(fileext = ".csv")
  history <- fit(callback_model(), data$x, data$y, epochs = 3, verbose = 0, callbacks = list(callback_csv_logger(path)))
  log <- utils::read.csv(path)
  expect_identical(nrow(log), 3L)
  expect_identical(log$epoch, 0:2)
  expect_equal(log$loss, history$metrics$loss, tolerance = 1e-6)
  # append = TRUE continues the file; the default overwrites it.
  fit(callback_model(), data$x, data$y, epochs = 2, verbose = 0, callbacks = list(callback_csv_logger(path, append = TRUE)))
  expect_identical(nrow(utils::read.csv(path)), 5L)
  fit(callback_model(), data$x, data$y, epochs = 1, verbose = 0, callbacks = list(callback_csv_logger(path, separator = ";")))
  expect_identical(nrow(utils::read.csv(path, sep = ";")), 1L)
})

test_that("callback_learning_rate_scheduler() and callback_reduce_lr_on_plateau() change the learning rate", {
  skip_if_no_keras()
  data <- callback_data()
  model <- callback_model()
  expect_equal(learning_rate(model), 0.01, tolerance = 1e-6)
  epochs_seen <- integer()
  halve <- function(epoch, lr) {
    epochs_seen <<- c(epochs_seen, epoch)
    lr / 2
  }
  fit(model, data$x, data$y, epochs = 3, verbose = 0, callbacks = list(callback_learning_rate_scheduler(halve)))
  expect_equal(learning_rate(model), 0.01 / 8, tolerance = 1e-6)
  expect_identical(epochs_seen, 0:2)

  model <- callback_model()
  # The first epoch improves on nothing; each later one fails to improve the
  # loss by 1e9 and halves the learning rate.
  plateau <- callback_reduce_lr_on_plateau(monitor = "loss", factor = 0.5, patience = 0, min_delta = 1e9)
  fit(model, data$x, data$y, epochs = 3, verbose = 0, callbacks = list(plateau))
  expect_equal(learning_rate(model), 0.01 / 4, tolerance = 1e-6)
  # min_lr bounds it.
  model <- callback_model()
  floor <- callback_reduce_lr_on_plateau(monitor = "loss", factor = 0.5, patience = 0, min_delta = 1e9, min_lr = 0.008)
  fit(model, data$x, data$y, epochs = 3, verbose = 0, callbacks = list(floor))
  expect_equal(learning_rate(model), 0.008, tolerance = 1e-6)
})

test_that("callback_terminate_on_nan() stops at a NaN loss, gracefully or with an error", {
  skip_if_no_keras()
  data <- callback_data()
  y <- data$y
  y[3] <- NaN
  batches <- 0L
  count <- callback_lambda(on_train_batch_end = function(batch, logs) batches <<- batches + 1L)
  history <- fit(callback_model(), data$x, y, epochs = 5, batch_size = 4, shuffle = FALSE, verbose = 0,
    callbacks = list(callback_terminate_on_nan(), count))
  expect_identical(batches, 1L)
  expect_length(history$metrics$loss, 1L)
  expect_true(is.nan(history$metrics$loss))
  expect_error(
    fit(callback_model(), data$x, y, epochs = 5, batch_size = 4, shuffle = FALSE, verbose = 0,
      callbacks = list(callback_terminate_on_nan(raise_error = TRUE))),
    "NaN or Inf loss",
    class = "rkeras_python_RuntimeError"
  )
  # A finite loss trains all epochs.
  history <- fit(callback_model(), data$x, data$y, epochs = 2, verbose = 0, callbacks = list(callback_terminate_on_nan()))
  expect_length(history$metrics$loss, 2L)
})

test_that("callback_backup_and_restore() resumes an interrupted fit() from its last backup", {
  skip_if_no_keras()
  data <- callback_data()
  model <- callback_model()
  dir <- tempfile("backup")
  interrupt <- Callback("Interrupt", on_epoch_begin = function(epoch, logs) {
    if (epoch == 3) stop("interrupted at epoch 3")
  })
  expect_error(
    fit(model, data$x, data$y, epochs = 4, verbose = 0,
      callbacks = list(callback_backup_and_restore(dir), interrupt())),
    "interrupted at epoch 3"
  )
  expect_setequal(list.files(dir), c("latest.weights.h5", "training_metadata.json"))
  # Epochs 1 and 2 were backed up: only epochs 3 and 4 remain.
  history <- fit(model, data$x, data$y, epochs = 4, verbose = 0, callbacks = list(callback_backup_and_restore(dir)))
  expect_length(history$metrics$loss, 2L)
  # The completed run deletes its checkpoint, unless told to keep it.
  expect_length(list.files(dir), 0L)
  # (Keras keeps the restored epoch as the model's initial epoch: a fresh model.)
  keep <- tempfile("backup")
  fit(callback_model(), data$x, data$y, epochs = 1, verbose = 0,
    callbacks = list(callback_backup_and_restore(keep, delete_checkpoint = FALSE)))
  expect_true(file.exists(file.path(keep, "latest.weights.h5")))
})

test_that("callback_swap_ema_weights() validates with the EMA weights of an optimizer with use_ema = TRUE", {
  skip_if_no_keras()
  data <- callback_data()
  validation_loss <- function(callbacks) {
    set.seed(5)
    model <- callback_model(optimizer_adam(learning_rate = 0.1, use_ema = TRUE))
    history <- fit(model, data$x, data$y, epochs = 1, batch_size = 4, verbose = 0,
      validation_data = list(data$x, data$y), callbacks = callbacks)
    # fit() ends by writing the EMA weights into the model: evaluate() uses them.
    c(during = history$metrics$val_loss, after = evaluate(model, data$x, data$y, verbose = 0)$loss)
  }
  swapped <- validation_loss(list(callback_swap_ema_weights()))
  expect_equal(swapped[["during"]], swapped[["after"]], tolerance = 1e-5)
  # Without the callback, validation sees the last step's weights instead.
  plain <- validation_loss(list())
  expect_gt(abs(plain[["during"]] - plain[["after"]]), 1e-3)
  # Without EMA in the optimizer, Keras refuses it.
  expect_error(
    fit(callback_model(), data$x, data$y, epochs = 1, verbose = 0, validation_split = 0.25,
      callbacks = list(callback_swap_ema_weights())),
    "use_ema",
    class = "rkeras_python_ValueError"
  )
})

test_that("callback_tensorboard() writes its logs where TensorBoard is installed", {
  skip_if_no_keras()
  data <- callback_data()
  log_dir <- tempfile("logs")
  board <- callback_tensorboard(log_dir)
  if (reticulate::py_module_available("tensorboard")) {
    history <- fit(callback_model(), data$x, data$y, epochs = 1, verbose = 0, callbacks = list(board))
    expect_length(history$metrics$loss, 1L)
    expect_gt(length(list.files(log_dir, recursive = TRUE)), 0L)
  } else {
    # Keras needs the Python tensorboard package to write summaries.
    expect_error(
      fit(callback_model(), data$x, data$y, epochs = 1, verbose = 0, callbacks = list(board)),
      "TensorBoard is not installed",
      class = "rkeras_python_error"
    )
  }
})

test_that("callback_remote_monitor() only warns in Python when its server cannot be reached", {
  skip_if_no_keras()
  data <- callback_data()
  # Port 9 on this machine refuses the connection at once.
  monitor <- callback_remote_monitor(root = "http://127.0.0.1:9", send_as_json = TRUE)
  warnings <- reticulate::import("warnings", convert = FALSE)
  context <- warnings$catch_warnings(record = TRUE)
  caught <- context$`__enter__`()
  warnings$simplefilter("always")
  history <- tryCatch(
    fit(callback_model(), data$x, data$y, epochs = 2, verbose = 0, callbacks = list(monitor)),
    finally = context$`__exit__`(NULL, NULL, NULL)
  )
  expect_length(history$metrics$loss, 2L)
  messages <- vapply(reticulate::py_to_r(caught), function(w) reticulate::py_str(w$message), "")
  expect_identical(sum(grepl("Could not reach RemoteMonitor root server at http://127.0.0.1:9", messages, fixed = TRUE)), 2L)
})

test_that("Callback() defines a callback class whose R methods count epochs and batches from 1", {
  skip_if_no_keras()
  data <- callback_data()
  seen <- new.env()
  seen$epochs <- integer()
  seen$batches <- integer()
  seen$logs <- NULL
  seen$begin <- 0L
  callback_counter <- Callback("EpochCounter",
    on_train_begin = function(logs) seen$begin <- seen$begin + 1L,
    on_epoch_end = function(epoch, logs) {
      seen$epochs <- c(seen$epochs, epoch)
      seen$logs <- logs
    },
    on_train_batch_end = function(batch, logs) seen$batches <- c(seen$batches, batch)
  )
  expect_true(is.function(callback_counter))
  counter <- callback_counter()
  expect_true(is_instance(counter, "keras.callbacks.Callback"))
  history <- fit(callback_model(), data$x, data$y, epochs = 3, batch_size = 8, verbose = 0, callbacks = list(counter))
  expect_identical(seen$epochs, 1:3)
  expect_identical(seen$batches, rep(1:2, 3))
  expect_identical(seen$begin, 1L)
  expect_type(seen$logs, "list")
  expect_named(seen$logs, "loss")
  expect_equal(seen$logs$loss, history$metrics$loss[[3]], tolerance = 1e-6)
})

test_that("Callback() methods see self, self$model and the arguments of initialize", {
  skip_if_no_keras()
  data <- callback_data()
  callback_stop_after <- Callback("StopAfter",
    initialize = function(max_epochs) {
      super$initialize()
      self$max_epochs <- max_epochs
      self$learning_rates <- list()
    },
    on_epoch_end = function(epoch, logs) {
      self$learning_rates <- c(self$learning_rates, as.numeric(self$model$optimizer$learning_rate$numpy()))
      self$epochs_planned <- self$params$epochs
      if (epoch >= self$max_epochs) {
        self$model$stop_training <- TRUE
      }
    },
    # A helper method and a class attribute.
    describe = function() paste(self$greeting, self$max_epochs),
    greeting = "stops after"
  )
  expect_identical(names(formals(callback_stop_after)), "max_epochs")
  stop_after <- callback_stop_after(max_epochs = 2)
  expect_identical(stop_after$max_epochs, 2)
  expect_identical(stop_after$describe(), "stops after 2")
  model <- callback_model()
  history <- fit(model, data$x, data$y, epochs = 10, verbose = 0, callbacks = list(stop_after))
  expect_length(history$metrics$loss, 2L)
  expect_equal(unlist(stop_after$learning_rates), c(0.01, 0.01), tolerance = 1e-6)
  expect_identical(stop_after$epochs_planned, 10L)
  # The model stays the model it was trained with.
  expect_true(identical(reticulate::py_id(stop_after$model), reticulate::py_id(model)))
  # An error in a method stops fit() with its message.
  failing <- Callback("Failing", on_epoch_end = function(epoch, logs) stop("no more epochs"))
  expect_error(fit(model, data$x, data$y, epochs = 2, verbose = 0, callbacks = list(failing())), "no more epochs")
})

test_that("Callback() takes keras3's public and parent_env", {
  skip_if_no_keras()
  record <- new.env()
  record$epochs <- integer()
  counter <- Callback("PublicCounter",
    public = list(on_epoch_end = function(epoch, logs = NULL) record$epochs <- c(record$epochs, epoch)),
    parent_env = environment()
  )
  model <- keras_model_sequential(input_shape = 2)
  layer_dense(model, units = 1)
  compile(model, optimizer = "sgd", loss = "mse")
  fit(model, matrix(1, 4, 2), rep(1, 4), epochs = 2, verbose = 0, callbacks = counter())
  expect_identical(record$epochs, 1:2)
  expect_error(Callback("Counter", parent_env = "here"), "`parent_env` must be an environment", fixed = TRUE)
  expect_error(Callback("Counter", inherit = list()), "`inherit` must be `NULL`, a function made by `Callback()`", fixed = TRUE)
})

test_that("Callback(inherit =) extends a Callback() class or an rkeras callback such as early stopping", {
  skip_if_no_keras()
  record <- new.env()
  record$ends <- integer()
  counting <- Callback("Counting", on_epoch_end = function(epoch, logs = NULL) record$ends <- c(record$ends, epoch))
  loud <- Callback("Loud",
    on_epoch_end = function(epoch, logs = NULL) {
      super$on_epoch_end(epoch - 1L, logs)
      record$ends <- c(record$ends, -epoch)
    },
    inherit = counting
  )
  model <- keras_model_sequential(input_shape = 2)
  layer_dense(model, units = 1)
  compile(model, optimizer = "sgd", loss = "mse")
  fit(model, matrix(1, 4, 2), rep(1, 4), epochs = 2, verbose = 0, callbacks = loud())
  # super$on_epoch_end() is Python's: it takes Keras's epoch, counted from 0.
  expect_identical(record$ends, c(1L, -1L, 2L, -2L))

  stops <- Callback("PatientStop", inherit = callback_early_stopping,
    on_train_end = function(logs = NULL) record$stopped <- self$stopped_epoch)
  fit(model, matrix(1, 4, 2), rep(1, 4), epochs = 30, verbose = 0,
    callbacks = stops(monitor = "loss", patience = 0, min_delta = 10))
  expect_identical(record$stopped, 1L)
})

test_that("Callback() methods keep state in `private`, as in keras3's guide", {
  skip_if_no_keras()
  # keras3's "Training & evaluation with the built-in methods" example, with
  # a plain R vector for fastmap's stack.
  callback_loss_history <- Callback(
    classname = "LossHistory",
    initialize = function(file = "per_training_batch_losses.txt", ...) {
      super$initialize(...)
      private$file <- file
    },
    on_train_begin = function(logs = NULL) {
      private$per_batch_losses <- numeric()
    },
    on_train_batch_end = function(batch, logs = NULL) {
      private$per_batch_losses <- c(private$per_batch_losses, logs$loss)
    },
    on_train_end = function(logs = NULL) {
      write(private$per_batch_losses, private$file)
    }
  )
  model <- keras_model_sequential(input_shape = 2)
  layer_dense(model, units = 1)
  compile(model, optimizer = "sgd", loss = "mse")
  file <- tempfile(fileext = ".txt")
  fit(model, matrix(1, 8, 2), rep(1, 8), epochs = 2, batch_size = 4, verbose = 0,
    callbacks = callback_loss_history(file = file))
  losses <- scan(file, quiet = TRUE)
  expect_length(losses, 4L)
  expect_true(all(is.finite(losses)))
})

test_that("Callback() refuses bad class names and methods that cannot take Keras's arguments", {
  skip_if_no_keras()
  expect_error(Callback("1st"), "`classname` must be a valid Python class name", class = "rkeras_arg_error")
  expect_error(Callback(c("A", "B")), "`classname` must be", class = "rkeras_arg_error")
  expect_error(Callback("A", on_epoch_end = "print"), "`on_epoch_end` must be", class = "rkeras_arg_error")
  expect_error(Callback("A", on_epoch_end = function(epoch) NULL), "`on_epoch_end` must be a function of two arguments", class = "rkeras_arg_error")
  expect_error(Callback("A", on_train_begin = function() NULL), "`on_train_begin` must be a function of one argument", class = "rkeras_arg_error")
  expect_error(Callback("A", `my method` = function() NULL), "is not a valid Python name", class = "rkeras_arg_error")
  # Functions taking `...` are fine.
  expect_true(is.function(Callback("A", on_epoch_end = function(...) NULL, on_train_end = function(logs = NULL) NULL)))
})
