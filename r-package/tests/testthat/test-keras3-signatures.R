# keras3 compatibility of every function rkeras shares with keras3: each of
# keras3's arguments exists in rkeras, in keras3's order, and one that keras3
# takes before `...` (so positionally) comes before `...` here too. Arguments
# Keras added since may sit among them. keras3-signatures.txt is keras3's
# side, written by tools/keras3_signatures.R from keras3's sources. No Python.

keras3_signatures <- function() {
  lines <- grep("^[^#]", readLines(test_path("keras3-signatures.txt")), value = TRUE)
  args <- strsplit(sub("^[^:]*:\\s*", "", lines), ",\\s*")
  stats::setNames(lapply(args, function(a) a[nzchar(a)]), sub(":.*", "", lines))
}

# Where rkeras knowingly differs, and why.
keras3_differences <- list(
  # Keras's LossScaleOptimizer refuses the other optimizers' settings; they
  # belong on `inner_optimizer`.
  optimizer_loss_scale = list(missing = c(
    "weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "use_ema", "ema_momentum",
    "ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps"
  )),
  # keras3 takes `unroll` after `...` (by name only); here it comes before
  # `...`, as every layer argument does.
  layer_conv_lstm_1d = list(order = TRUE),
  layer_conv_lstm_2d = list(order = TRUE),
  layer_conv_lstm_3d = list(order = TRUE),
  # Likewise `antialias`, which keras3 takes after `...`.
  layer_resizing = list(order = TRUE),
  # And `dtype` of layer_jax_model_wrapper().
  layer_jax_model_wrapper = list(order = TRUE),
  # Keras's StringLookup fixes its vocabulary dtype to "string" and refuses
  # the argument; keras3 takes it after `...` and passes it on.
  layer_string_lookup = list(missing = "vocabulary_dtype"),
  # keras3's `feature_names` (after `name`) is passed on to Keras's
  # FeatureSpace, which has no such parameter and refuses it: the features
  # are named by `features`.
  layer_feature_space = list(missing = "feature_names")
)

test_that("every keras3 argument of a shared function exists in rkeras, in keras3's order", {
  signatures <- keras3_signatures()
  expect_gt(length(signatures), 250L)
  for (name in names(signatures)) {
    theirs <- signatures[[name]]
    ours <- names(formals(getExportedValue("rkeras", name)))
    known <- keras3_differences[[name]]
    expect_identical(setdiff(setdiff(theirs, ours), known$missing), character(), label = name)
    if (!isTRUE(known$order)) {
      expect_identical(ours[ours %in% theirs], theirs[theirs %in% ours], label = name)
    }
    if ("..." %in% theirs && "..." %in% ours) {
      positional <- theirs[seq_len(match("...", theirs) - 1L)]
      expect_true(all(match(positional, ours) < match("...", ours), na.rm = TRUE), label = name)
    }
  }
})

test_that("the known differences from keras3 are still differences", {
  signatures <- keras3_signatures()
  for (name in names(keras3_differences)) {
    ours <- names(formals(getExportedValue("rkeras", name)))
    theirs <- signatures[[name]]
    expect_false(is.null(theirs), label = name)
    missing <- keras3_differences[[name]]$missing
    if (length(missing)) expect_true(all(!missing %in% ours), label = name)
    if (isTRUE(keras3_differences[[name]]$order)) {
      expect_false(identical(ours[ours %in% theirs], theirs[theirs %in% ours]), label = name)
    }
  }
})

test_that("keras3's aliases are the same functions here", {
  expect_identical(layer_input, keras_input)
  expect_identical(bidirectional, layer_bidirectional)
  expect_identical(time_distributed, layer_time_distributed)
  expect_identical(new_layer_class, Layer)
  expect_identical(new_callback_class, Callback)
})
