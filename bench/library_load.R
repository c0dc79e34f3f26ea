# How long `library(rkeras)` takes in a fresh R process, against loading its
# dependencies alone (reticulate, cli, rlang, generics), as medians of
# alternating runs; and whether it starts Python (it must not).
#
#   Rscript bench/library_load.R [runs]

runs <- as.integer(commandArgs(trailingOnly = TRUE)[1])
if (is.na(runs)) runs <- 15L
rscript <- file.path(R.home("bin"), "Rscript")

timed <- function(code) {
  script <- tempfile(fileext = ".R")
  on.exit(unlink(script))
  writeLines(c(
    "start <- proc.time()[['elapsed']]",
    code,
    "cat(proc.time()[['elapsed']] - start, reticulate::py_available(), '\\n')"
  ), script)
  out <- system2(rscript, c("--vanilla", script), stdout = TRUE, stderr = FALSE,
    env = paste0("R_LIBS=", Sys.getenv("R_LIBS")))
  fields <- strsplit(trimws(out[[length(out)]]), " ")[[1]]
  c(seconds = as.numeric(fields[[1]]), python_started = as.logical(fields[[2]]))
}

contenders <- list(
  rkeras = "suppressPackageStartupMessages(library(rkeras))",
  dependencies = "for (p in c('reticulate', 'cli', 'rlang', 'generics')) loadNamespace(p)"
)
results <- list(rkeras = list(), dependencies = list())
for (i in seq_len(runs)) {
  for (name in sample(names(contenders))) {
    results[[name]][[i]] <- timed(contenders[[name]])
  }
}
cat(sprintf("library_load: %d fresh processes each, alternating\n", runs))
cat("| what | median s | max s | Python started |\n|---|---:|---:|---|\n")
for (name in names(results)) {
  seconds <- vapply(results[[name]], function(r) r[["seconds"]], 1)
  started <- any(vapply(results[[name]], function(r) as.logical(r[["python_started"]]), TRUE))
  cat(sprintf("| %s | %.3f | %.3f | %s |\n", name, stats::median(seconds), max(seconds), started))
}
