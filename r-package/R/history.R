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
  epochs <- length(x$metrics[[1]] %||% numeric())
  cat(sprintf("Trained %d epoch%s.\n", epochs, if (epochs == 1L) "" else "s"))
  if (epochs > 0L) {
    final <- vapply(x$metrics, function(m) m[[length(m)]], 0)
    cat(paste0(sprintf("  %s: %.4g", names(final), final), collapse = "\n"), "\n", sep = "")
  }
  invisible(x)
}

#' @export
as.data.frame.rkeras_history <- function(x, ...) {
  epochs <- length(x$metrics[[1]] %||% numeric())
  data.frame(
    epoch = rep(seq_len(epochs), times = length(x$metrics)),
    metric = rep(names(x$metrics), each = epochs),
    value = unlist(x$metrics, use.names = FALSE)
  )
}

#' @export
plot.rkeras_history <- function(x, y, metrics = names(x$metrics), ...) {
  metrics <- intersect(metrics, names(x$metrics))
  values <- x$metrics[metrics]
  epochs <- seq_along(values[[1]])
  graphics::matplot(epochs, do.call(cbind, values),
    type = "b", pch = 19, lty = 1, xlab = "epoch", ylab = "value",
    main = "Training history", ...
  )
  # "right" keeps the legend off both a falling loss and a rising accuracy.
  graphics::legend("right", legend = metrics, col = seq_along(metrics), lty = 1, pch = 19, bty = "n")
  invisible(x)
}
