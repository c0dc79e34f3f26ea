# Writes the argument names of keras3's functions that rkeras also exports,
# in keras3's order, to r-package/tests/testthat/keras3-signatures.txt, which
# test-keras3-signatures.R checks rkeras against. Run it when keras3 changes:
#
#   Rscript tools/keras3_signatures.R <keras3 checkout> [<commit>]
#
# It parses keras3's R/ (no keras3 install, no Python) and reads rkeras's
# exports from r-package/NAMESPACE.

args <- commandArgs(trailingOnly = TRUE)
if (!length(args) || !dir.exists(file.path(args[[1]], "R"))) {
  stop("usage: Rscript tools/keras3_signatures.R <keras3 checkout> [<commit>]", call. = FALSE)
}
keras3 <- args[[1]]
commit <- if (length(args) >= 2) args[[2]] else "unknown"

signatures <- list()
for (file in list.files(file.path(keras3, "R"), pattern = "\\.R$", full.names = TRUE)) {
  for (e in parse(file, keep.source = FALSE)) {
    if (is.call(e) && as.character(e[[1]]) %in% c("<-", "=") && is.name(e[[2]]) &&
      is.call(e[[3]]) && identical(e[[3]][[1]], as.name("function"))) {
      signatures[[as.character(e[[2]])]] <- as.character(names(e[[3]][[2]]))
    }
  }
}
namespace <- readLines("r-package/NAMESPACE")
ours <- sub("^export\\((.*)\\)$", "\\1", grep("^export\\(", namespace, value = TRUE))
common <- sort(intersect(ours, names(signatures)))
lines <- vapply(common, function(name) paste0(name, ": ", paste(signatures[[name]], collapse = ", ")), "")
writeLines(
  c(
    paste0("# keras3 (rstudio/keras3 ", commit, "): the argument names, in order, of each"),
    "# function rkeras also exports. Written by tools/keras3_signatures.R; do not edit.",
    lines
  ),
  "r-package/tests/testthat/keras3-signatures.txt"
)
cat("keras3_signatures: ", length(common), " functions\n", sep = "")
