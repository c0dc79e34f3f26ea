# The cost of the R surface: layer_attention() against the same operation in
# a Python loop, in one R process, as ratios (R / Python). A third column does
# the operation the way a user of plain reticulate would (the layer class
# called from R, results converted by reticulate), for scale.
#
# Batches of the three alternate, in a fresh random order each round, since
# this machine is noisy. A ratio is taken within each round, between batches
# that ran seconds apart, so that drifts in the machine's speed cancel; the
# table gives the median ratio over the rounds, with its interquartile range,
# and the median per-call times.
#
# Before each batch, R's and Python's garbage collectors run, untimed. An R
# object keeps its Python layer alive until R's own collector runs, so without
# this the garbage of one batch is collected, at a cost of up to 0.3 s, during
# whichever batch comes next: another contender's as often as its own.
#
#   make bench            (or: Rscript bench/r_overhead.R [batches] [calls])
#
# make bench pins the process to one CPU (taskset), so that the scheduler does
# not move it between cores, and their caches, in the middle of a batch.

suppressPackageStartupMessages(library(rkeras))
args <- as.integer(commandArgs(trailingOnly = TRUE))
batches <- if (length(args) >= 1) args[[1]] else 41L
calls <- if (length(args) >= 2) args[[2]] else 200L
set.seed(1)

# Load Keras and the backend bundled in the R package before timing; the
# Python loop and plain reticulate below then use the same module.
invisible(layer_attention())

reticulate::py_run_string("
import time
import keras
import rkeras_backend

def python_construct(n):
    start = time.perf_counter()
    for _ in range(n):
        rkeras_backend.Attention()
    return (time.perf_counter() - start) / n

def python_compose(n, query, value):
    start = time.perf_counter()
    for _ in range(n):
        rkeras_backend.Attention()([query, value])
    return (time.perf_counter() - start) / n
")
py <- reticulate::py
python_gc <- reticulate::import("gc")
collect_garbage <- function() {
  # A young-generation collection frees the R objects of the last batch; the
  # full Python collection then frees the layers they held.
  gc(full = FALSE)
  python_gc$collect()
}
# What a reticulate user would write: the class, converted to an R function.
attention_class <- reticulate::import("rkeras_backend")$Attention

query <- keras_input(shape = c(8, 16))
value <- keras_input(shape = c(12, 16))
inputs <- list(query, value)

# Sys.time() resolves microseconds; proc.time() only milliseconds.
per_call <- function(n, f) {
  start <- Sys.time()
  for (i in seq_len(n)) f()
  as.double(Sys.time() - start, units = "secs") / n
}

measure <- function(rkeras_call, reticulate_call, python_call) {
  runs <- list(
    rkeras = function() per_call(calls, rkeras_call),
    reticulate = function() per_call(calls, reticulate_call),
    python = function() python_call(calls)
  )
  times <- matrix(NA_real_, batches, length(runs), dimnames = list(NULL, names(runs)))
  for (b in seq_len(batches)) {
    for (name in sample(names(runs))) {
      collect_garbage()
      times[b, name] <- runs[[name]]()
    }
  }
  times * 1e6
}

results <- list(
  construct = measure(
    function() layer_attention(),
    function() attention_class(),
    function(n) py$python_construct(as.integer(n))
  ),
  compose = measure(
    function() layer_attention(inputs),
    function() attention_class()(inputs),
    function(n) py$python_compose(as.integer(n), query, value)
  )
)

cat(sprintf("r_overhead: %d rounds of alternating batches of %d calls\n", batches, calls))
cat("| measure | rkeras (us/call) | plain reticulate | Python loop | ratio rkeras / Python (IQR) | ratio reticulate / Python (IQR) |\n")
cat("|---|---:|---:|---:|---:|---:|\n")
ratio_summary <- function(ratios) {
  q <- stats::quantile(ratios, c(0.5, 0.25, 0.75), names = FALSE)
  sprintf("%.2f (%.2f-%.2f)", q[[1]], q[[2]], q[[3]])
}
for (name in names(results)) {
  times <- results[[name]]
  medians <- apply(times, 2, stats::median)
  cat(sprintf(
    "| %s | %.1f | %.1f | %.1f | %s | %s |\n", name, medians[["rkeras"]], medians[["reticulate"]],
    medians[["python"]], ratio_summary(times[, "rkeras"] / times[, "python"]),
    ratio_summary(times[, "reticulate"] / times[, "python"])
  ))
}
