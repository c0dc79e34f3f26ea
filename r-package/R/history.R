# What fit() returns: the per-epoch metrics as plain R numbers, so a user can
# print, plot or tabulate them without touching Python.

new_history <- function(history) {
  # keras is imported with conversion on: these arrive as R lists.
  metrics <- lapply(history$history, as.numeric)
  params <- history$params
  structure(list(params = params, metrics = metrics), class = "rkeras_history")
}

#' @export
print.rkeras_history <- function(x, ...) {
  epochs <- history_epochs(x)
  cat(sprintf("Trained %d epoch%s.\n", epochs, if (epochs == 1L) "" else "s"))
  if (epochs > 0L) {
    final <- vapply(x$metrics, function(m) m[[length(m)]], 0)
    cat(paste0(sprintf("  %s: %.4g", names(final), final), collapse = "\n"), "\n", sep = "")
  }
  invisible(x)
}

history_epochs <- function(x) {
  length(x$metrics[[1]] %||% numeric())
}

#' The training history as a data frame
#'
#' One row per epoch and metric, as keras3 lays it out: `epoch`, `value`,
#' `metric` (such as `"loss"` or `"accuracy"`) and `data` (`"training"`, or
#' `"validation"` for the `val_` metrics). Epochs a metric was not computed
#' in (validation every few epochs) hold `NA`.
#'
#' @param x The history [fit()][model-training] returned.
#' @param row.names,optional,... Unused; for compatibility with the generic.
#' @returns A data frame with columns `epoch`, `value`, `metric` and `data`.
#' @family model functions
#' @export
#' @examplesIf rkeras::is_keras_available()
#' model <- keras_model_sequential(input_shape = 2)
#' layer_dense(model, 1)
#' compile(model, optimizer = "sgd", loss = "mse", metrics = "mae")
#' x <- matrix(runif(40), ncol = 2)
#' history <- fit(model, x, rowSums(x), epochs = 3, validation_split = 0.25, verbose = 0)
#' as.data.frame(history)
as.data.frame.rkeras_history <- function(x, row.names = NULL, optional = FALSE, ...) {
  epochs <- history_epochs(x)
  names <- names(x$metrics)
  validation <- startsWith(names, "val_")
  values <- lapply(x$metrics, function(m) c(m, rep(NA_real_, epochs - length(m))))
  frame <- data.frame(
    epoch = rep(seq_len(epochs), times = length(names)),
    value = unlist(values, use.names = FALSE),
    metric = rep(sub("^val_", "", names), each = epochs),
    data = rep(ifelse(validation, "validation", "training"), each = epochs)
  )
  # Metrics in their order of first appearance, training before validation.
  frame$metric <- factor(frame$metric, levels = unique(frame$metric))
  frame$data <- factor(frame$data, levels = c("training", "validation"))
  frame
}

#' Plot the training history
#'
#' One panel per metric (the loss first), with the value per epoch for the
#' training data and, where `fit()` had some, the validation data. Drawn with
#' ggplot2 where it is installed, otherwise with base graphics.
#'
#' @param x The history [fit()][model-training] returned.
#' @param y Unused.
#' @param metrics The metrics to plot, by name (`"loss"`, `"accuracy"`);
#'   `NULL` for all of them. Each brings its `val_` counterpart along.
#' @param method `"auto"` (ggplot2 where installed, else base graphics),
#'   `"ggplot2"` or `"base"`.
#' @param ... Unused.
#' @returns With ggplot2, the plot object (printing it draws it); with base
#'   graphics, `x`, invisibly.
#' @family model functions
#' @export
#' @examplesIf rkeras::is_keras_available()
#' model <- keras_model_sequential(input_shape = 2)
#' layer_dense(model, 1)
#' compile(model, optimizer = "sgd", loss = "mse", metrics = "mae")
#' x <- matrix(runif(40), ncol = 2)
#' history <- fit(model, x, rowSums(x), epochs = 5, validation_split = 0.25, verbose = 0)
#' history
#' plot(history)
#' plot(history, metrics = "loss", method = "base")
plot.rkeras_history <- function(x, y, metrics = NULL, method = c("auto", "ggplot2", "base"), ...) {
  method <- rlang::arg_match(method)
  frame <- as.data.frame(x)
  known <- levels(frame$metric)
  if (!is.null(metrics)) {
    if (!is.character(metrics) || !all(metrics %in% known)) {
      abort_arg("metrics", paste0("names of metrics in the history (", paste0('"', known, '"', collapse = ", "), ")"), metrics, nullable = TRUE, call = rlang::current_env())
    }
    frame <- frame[frame$metric %in% metrics, , drop = FALSE]
    frame$metric <- factor(frame$metric, levels = metrics)
  }
  frame <- frame[!is.na(frame$value), , drop = FALSE]
  has_ggplot2 <- requireNamespace("ggplot2", quietly = TRUE)
  if (method == "ggplot2" && !has_ggplot2) {
    cli::cli_abort(c("{.code method = \"ggplot2\"} needs the ggplot2 package.", "i" = "Install it, or use {.code method = \"base\"}."))
  }
  if (method == "ggplot2" || method == "auto" && has_ggplot2) {
    return(plot_history_ggplot2(frame))
  }
  plot_history_base(frame)
  invisible(x)
}

plot_history_ggplot2 <- function(frame) {
  aes <- ggplot2::aes
  ggplot2::ggplot(frame, aes(x = .data$epoch, y = .data$value, colour = .data$data)) +
    ggplot2::geom_line() +
    ggplot2::geom_point() +
    ggplot2::facet_wrap(ggplot2::vars(.data$metric), ncol = 1, scales = "free_y") +
    ggplot2::labs(x = "epoch", y = NULL, colour = NULL) +
    ggplot2::theme_bw()
}

plot_history_base <- function(frame) {
  metrics <- levels(droplevels(frame$metric))
  old <- graphics::par(mfrow = c(length(metrics), 1), mar = c(3, 4, 1.5, 1), mgp = c(2, 0.7, 0))
  on.exit(graphics::par(old))
  colours <- c(training = "#1b9e77", validation = "#d95f02")
  for (metric in metrics) {
    rows <- frame[frame$metric == metric, , drop = FALSE]
    graphics::plot(rows$epoch, rows$value, type = "n", xlab = "epoch", ylab = metric)
    for (data in intersect(names(colours), as.character(rows$data))) {
      part <- rows[rows$data == data, , drop = FALSE]
      graphics::lines(part$epoch, part$value, type = "b", pch = 19, col = colours[[data]])
    }
    graphics::legend("topright", legend = intersect(names(colours), as.character(rows$data)),
      col = colours[intersect(names(colours), as.character(rows$data))], lty = 1, pch = 19, bty = "n")
  }
}
