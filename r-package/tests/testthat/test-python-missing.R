# Without keras, a user gets a message saying what to run, not a traceback.

test_that("library(rkeras) does not start Python", {
  skip_on_cran()
  script <- tempfile(fileext = ".R")
  writeLines(c(
    "library(rkeras)",
    "cat(reticulate::py_available(initialize = FALSE))"
  ), script)
  out <- system2(file.path(R.home("bin"), "Rscript"), script, stdout = TRUE, stderr = TRUE)
  expect_identical(out[[length(out)]], "FALSE")
})

test_that("a Python without keras gives a clear message naming install_rkeras()", {
  skip_on_cran()
  skip_if_not(file.exists("/usr/bin/python3"), "no system Python to point at")
  has_keras <- system2("/usr/bin/python3", c("-c", shQuote("import keras")), stdout = FALSE, stderr = FALSE)
  skip_if(has_keras == 0L, "the system Python has keras")
  script <- tempfile(fileext = ".R")
  writeLines(c(
    "library(rkeras)",
    "cat(is_keras_available(), '\\n')",
    "result <- tryCatch(layer_attention(), error = function(e) e)",
    "cat(class(result)[[1]], '\\n')",
    "cat(conditionMessage(result), '\\n')"
  ), script)
  out <- system2(
    file.path(R.home("bin"), "Rscript"), script,
    stdout = TRUE, stderr = TRUE, env = "RETICULATE_PYTHON=/usr/bin/python3"
  )
  out <- paste(out, collapse = "\n")
  expect_match(out, "FALSE", fixed = TRUE)
  expect_match(out, "rkeras_no_keras", fixed = TRUE)
  expect_match(out, "rkeras needs Python with the keras module.", fixed = TRUE)
  expect_match(out, "install_rkeras()", fixed = TRUE)
  expect_no_match(out, "Traceback", fixed = TRUE)
})
