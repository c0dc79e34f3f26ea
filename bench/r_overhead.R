# The cost of the R surface: layer_attention() against the same operation in
# a Python loop, in one R process, as ratios (R / Python). Batches of R and
# Python alternate and the medians of the per-call times are compared, since
# this machine is noisy.
#
#   make bench            (or: Rscript bench/r_overhead.R [batches] [calls])

suppressPackageStartupMessages(library(rkeras))
args <- as.integer(commandArgs(trailingOnly = TRUE))
batches <- if (length(args) >= 1) args[[1]] else 15L
calls <- if (length(args) >= 2) args[[2]] else 200L

# Load Keras and the backend bundled in the R package before timing; the
# Python loop below then uses the same module.
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

query <- keras_input(shape = c(8, 16))
value <- keras_input(shape = c(12, 16))
inputs <- list(query, value)

per_call <- function(n, f) {
  start <- proc.time()[["elapsed"]]
  for (i in seq_len(n)) f()
  (proc.time()[["elapsed"]] - start) / n
}

measure <- function(r_call, python_call) {
  r <- python <- numeric(batches)
  for (b in seq_len(batches)) {
    r[[b]] <- per_call(calls, r_call)
    python[[b]] <- python_call(calls)
  }
  c(r_us = median(r) * 1e6, python_us = median(python) * 1e6, ratio = median(r) / median(python))
}

construct <- measure(function() layer_attention(), function(n) py$python_construct(as.integer(n)))
compose <- measure(
  function() layer_attention(inputs),
  function(n) py$python_compose(as.integer(n), query, value)
)

cat(sprintf("r_overhead: %d alternating batches of %d calls, medians\n", batches, calls))
cat("| measure | R (us/call) | Python loop (us/call) | ratio R / Python |\n|---|---|---|---|\n")
for (name in c("construct", "compose")) {
  m <- get(name)
  cat(sprintf("| %s | %.1f | %.1f | %.2f |\n", name, m[["r_us"]], m[["python_us"]], m[["ratio"]]))
}
