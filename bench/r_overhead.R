# The cost of the R surface: layer_attention() against the same operation in
# a Python loop, in one R process, as ratios (R / Python). A third column does
# the operation the way a user of plain reticulate would (the layer class
# called from R, results converted by reticulate), for scale.
#
# Batches of the three alternate, in a fresh random order each round, and the
# medians of the per-call times are compared, since this machine is noisy.
#
#   make bench            (or: Rscript bench/r_overhead.R [batches] [calls])

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
# What a reticulate user would write: the class, converted to an R function.
attention_class <- reticulate::import("rkeras_backend")$Attention

query <- keras_input(shape = c(8, 16))
value <- keras_input(shape = c(12, 16))
inputs <- list(query, value)

per_call <- function(n, f) {
  start <- proc.time()[["elapsed"]]
  for (i in seq_len(n)) f()
  (proc.time()[["elapsed"]] - start) / n
}

measure <- function(rkeras_call, reticulate_call, python_call) {
  runs <- list(
    rkeras = function() per_call(calls, rkeras_call),
    reticulate = function() per_call(calls, reticulate_call),
    python = function() python_call(calls)
  )
  times <- matrix(NA_real_, batches, length(runs), dimnames = list(NULL, names(runs)))
  for (b in seq_len(batches)) {
    for (name in sample(names(runs))) times[b, name] <- runs[[name]]()
  }
  apply(times, 2, median) * 1e6
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

cat(sprintf("r_overhead: %d alternating batches of %d calls, medians (us/call)\n", batches, calls))
cat("| measure | rkeras | plain reticulate | Python loop | ratio rkeras / Python | ratio reticulate / Python |\n")
cat("|---|---:|---:|---:|---:|---:|\n")
for (name in names(results)) {
  m <- results[[name]]
  cat(sprintf(
    "| %s | %.1f | %.1f | %.1f | %.2f | %.2f |\n", name, m[["rkeras"]], m[["reticulate"]],
    m[["python"]], m[["rkeras"]] / m[["python"]], m[["reticulate"]] / m[["python"]]
  ))
}
