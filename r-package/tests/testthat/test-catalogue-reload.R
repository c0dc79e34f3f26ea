# Every layer of the catalogue (issue 16, groups A and B) travels through a
# `.keras` file: a model holding it is saved here, and one fresh R process
# (one Keras import for the whole catalogue) loads every file and predicts.
# The outputs must be identical, and each reloaded layer of Keras's class.

test_that("a model holding each catalogue layer saves to .keras and reloads in a fresh R process with identical outputs", {
  skip_if_no_keras()
  skip_on_cran()
  set.seed(61)
  directory <- tempfile("catalogue-")
  dir.create(directory)
  on.exit(unlink(directory, recursive = TRUE), add = TRUE)
  models <- list()
  save_case <- function(name, model, x, py_class = NULL) {
    # Weights moved off their initial values, so the file carries values
    # as well as the config.
    for (weight in model$weights) weight$assign(as.array(weight) * 1.3 + 0.1)
    save_model(model, file.path(directory, paste0(name, ".keras")))
    models[[name]] <<- list(x = x, y = predict(model, x, verbose = 0), py_class = py_class)
  }

  # Group A: a dense layer before the layer gives the model weights.
  cases_a <- catalogue_a_cases()
  for (name in names(cases_a)) {
    case <- cases_a[[name]]
    input <- case_inputs(case)
    units <- vapply(case$shape, function(s) tail(s, 1), 1)
    hidden <- if (is.list(input)) {
      lapply(seq_along(input), function(k) layer_dense(input[[k]], units = units[[k]]))
    } else {
      layer_dense(input, units = units[[1]])
    }
    output <- do.call(getExportedValue("rkeras", name), c(list(hidden), case$r))
    save_case(name, keras_model(input, output), case_arrays(case), case$py)
  }
  # layer_spectral_normalization() wraps a layer, so it has no case above.
  input <- keras_input(shape = 8)
  output <- layer_spectral_normalization(input, layer_dense(units = 4), power_iterations = 2)
  save_case("layer_spectral_normalization", keras_model(input, output), random_array(2, 8), "SpectralNormalization")

  # Group B, the layers that save (not layer_lambda(), which holds an R function).
  saving_b <- Filter(function(case) case$saves, catalogue_b_cases())
  expect_gte(length(saving_b), length(catalogue_b_cases()) - 1)
  for (case in saving_b) {
    input <- keras_input(shape = case$input[-1])
    save_case(case$fn, keras_model(input, catalogue_b_output(case, input)), catalogue_b_input(case$input))
  }

  saveRDS(lapply(models, `[[`, "x"), file.path(directory, "inputs.rds"))
  script <- file.path(directory, "reload.R")
  writeLines(c(
    "library(rkeras)",
    "directory <- commandArgs(trailingOnly = TRUE)[[1]]",
    "inputs <- readRDS(file.path(directory, 'inputs.rds'))",
    "out <- lapply(stats::setNames(nm = names(inputs)), function(name) {",
    "  model <- load_model(file.path(directory, paste0(name, '.keras')))",
    "  list(layer = class(model$layers[[length(model$layers)]])[[1]],",
    "       predicted = predict(model, inputs[[name]], verbose = 0))",
    "})",
    "saveRDS(out, file.path(directory, 'reloaded.rds'))"
  ), script)
  log <- suppressWarnings(system2(file.path(R.home("bin"), "Rscript"), shQuote(c(script, directory)),
    stdout = TRUE, stderr = TRUE
  ))
  expect_null(attr(log, "status"), info = paste(log, collapse = "\n"))
  reloaded <- readRDS(file.path(directory, "reloaded.rds"))
  expect_identical(names(reloaded), names(models))
  for (name in names(models)) {
    expect_identical(reloaded[[name]]$predicted, models[[name]]$y, info = name)
    if (!is.null(models[[name]]$py_class)) {
      expect_match(reloaded[[name]]$layer, paste0(".", models[[name]]$py_class, "$"), info = name)
    }
  }
})
