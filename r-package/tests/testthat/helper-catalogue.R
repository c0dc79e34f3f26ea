# The cases of the layer catalogue (issue 16), shared by test-catalogue-a.R,
# test-catalogue-b.R and test-catalogue-reload.R, and what every catalogue
# test reads from a generated wrapper.

# The value of each argument type that its coercer must refuse, by the
# coercer the generated wrapper names.
catalogue_bad_values <- list(
  arg_integer = 2.5,
  arg_integers = c(2, 2.5),
  arg_integer_tuple = c(2, NA),
  arg_number = "0.5",
  arg_choice = "no_such_choice",
  arg_flag = NA,
  arg_string = 1,
  arg_shape = c(2, 1.5),
  arg_axis = 0,
  arg_activation = "no_such_activation",
  arg_initializer = "no_such_initializer",
  arg_regularizer = "no_such_regularizer",
  arg_constraint = "no_such_constraint",
  arg_dtype = 1,
  arg_py_object = 1,
  arg_flag_or_auto = "sometimes",
  arg_nested_integers = "1",
  arg_numbers = "0.5",
  arg_arrays = "weights",
  arg_layer = "lstm",
  arg_layers = "lstm",
  arg_r_function = "f",
  arg_token = NA,
  arg_vocabulary = c("a", NA),
  arg_choice_or_function = "no_such_choice",
  arg_tensor = "t",
  arg_number_list = "1",
  arg_strings = 1,
  arg_named_list = list(1),
  arg_feature_crosses = "a",
  arg_seed = 1.5
)

# The coercer the wrapper applies to each of its arguments, read from the
# compose_layer() (or, for a FeatureSpace feature or a random function,
# call_keras_function(); for a seed generator, new_keras_object()) call that
# is its body, by the wrapper's argument (an R-side argument, such as
# `zero_indexed`, reaches the runtime as `.zero_indexed`).
wrapper_coercers <- function(fn) {
  body <- body(get(fn, envir = asNamespace("rkeras")))
  call <- body[[length(body)]]
  stopifnot(as.character(call[[1]]) %in% c("compose_layer", "call_keras_function", "new_keras_object"))
  coerced <- as.list(call)[-(1:2)]
  names(coerced) <- sub("^[.]", "", names(coerced))
  vapply(coerced, function(x) as.character(x[[1]]), "")
}

# Every argument of wrapper `fn` is coerced: a bad value of its type, put in
# place of each of the valid `args`, is refused with an error naming it. (A
# layer's `object` or `inputs` is its input, composed with it, not coerced.)
expect_every_argument_checked <- function(fn, args) {
  coercers <- wrapper_coercers(fn)
  input <- setdiff(c("object", "inputs"), names(coercers))
  formal_args <- setdiff(names(formals(getExportedValue("rkeras", fn))), c(input, "..."))
  expect_identical(as.character(names(coercers)), formal_args, info = fn)
  expect_true(all(coercers %in% names(catalogue_bad_values)), info = fn)
  for (arg in names(coercers)) {
    bad <- args
    bad[arg] <- list(catalogue_bad_values[[coercers[[arg]]]])
    expect_error(do.call(fn, bad), sprintf("`%s` must be", arg),
      fixed = TRUE, class = "rkeras_arg_error", info = paste(fn, arg)
    )
  }
}

# --- group A: activation, pooling, regularization, normalization, merging ---

keras_class <- function(name) reticulate::import("keras")$layers[[name]]
py_tuple <- function(...) reticulate::tuple(...)

# One case per wrapper: its arguments as an R user writes them (doubles),
# the Keras class and the same arguments as Python takes them, and the input
# shapes without the batch axis (two for the merging layers).
# A function, so that sourcing the helpers never starts Python.
catalogue_a_cases <- function() list(
  layer_activation = list(r = list(activation = "tanh"), py = "Activation", py_args = list(activation = "tanh"), shape = list(c(4, 3))),
  layer_activation_elu = list(r = list(alpha = 0.5), py = "ELU", py_args = list(alpha = 0.5), shape = list(c(4, 3))),
  layer_activation_leaky_relu = list(r = list(negative_slope = 0.2), py = "LeakyReLU", py_args = list(negative_slope = 0.2), shape = list(c(4, 3))),
  layer_activation_parametric_relu = list(r = list(shared_axes = 2), py = "PReLU", py_args = list(shared_axes = 1L), shape = list(c(4, 3))),
  layer_activation_relu = list(r = list(max_value = 1, negative_slope = 0.1, threshold = 0.2), py = "ReLU", py_args = list(max_value = 1, negative_slope = 0.1, threshold = 0.2), shape = list(c(4, 3))),
  layer_activation_softmax = list(r = list(axis = 2), py = "Softmax", py_args = list(axis = 1L), shape = list(c(4, 3))),
  layer_average_pooling_1d = list(r = list(pool_size = 2, strides = 1, padding = "same"), py = "AveragePooling1D", py_args = list(pool_size = 2L, strides = 1L, padding = "same"), shape = list(c(6, 3))),
  layer_average_pooling_2d = list(r = list(pool_size = c(2, 3), strides = 2), py = "AveragePooling2D", py_args = list(pool_size = py_tuple(2L, 3L), strides = 2L), shape = list(c(6, 7, 2))),
  layer_average_pooling_3d = list(r = list(pool_size = 2, padding = "same"), py = "AveragePooling3D", py_args = list(pool_size = 2L, padding = "same"), shape = list(c(4, 5, 3, 2))),
  layer_max_pooling_1d = list(r = list(pool_size = 3, strides = 2), py = "MaxPooling1D", py_args = list(pool_size = 3L, strides = 2L), shape = list(c(7, 3))),
  layer_max_pooling_2d = list(r = list(pool_size = 2, padding = "same"), py = "MaxPooling2D", py_args = list(pool_size = 2L, padding = "same"), shape = list(c(5, 7, 2))),
  layer_max_pooling_3d = list(r = list(pool_size = c(1, 2, 2), strides = c(1, 2, 1)), py = "MaxPooling3D", py_args = list(pool_size = py_tuple(1L, 2L, 2L), strides = py_tuple(1L, 2L, 1L)), shape = list(c(4, 5, 3, 2))),
  layer_global_average_pooling_2d = list(r = list(keepdims = TRUE), py = "GlobalAveragePooling2D", py_args = list(keepdims = TRUE), shape = list(c(4, 5, 3))),
  layer_global_average_pooling_3d = list(r = list(data_format = "channels_first"), py = "GlobalAveragePooling3D", py_args = list(data_format = "channels_first"), shape = list(c(2, 4, 5, 3))),
  layer_global_max_pooling_2d = list(r = list(), py = "GlobalMaxPooling2D", py_args = list(), shape = list(c(4, 5, 3))),
  layer_global_max_pooling_3d = list(r = list(keepdims = TRUE), py = "GlobalMaxPooling3D", py_args = list(keepdims = TRUE), shape = list(c(2, 4, 5, 3))),
  layer_activity_regularization = list(r = list(l1 = 0.01, l2 = 0.02), py = "ActivityRegularization", py_args = list(l1 = 0.01, l2 = 0.02), shape = list(c(4, 3))),
  layer_alpha_dropout = list(r = list(rate = 0.3, noise_shape = c(NA, 1, 3), seed = 7), py = "AlphaDropout", py_args = list(rate = 0.3, noise_shape = py_tuple(NULL, 1L, 3L), seed = 7L), shape = list(c(4, 3))),
  layer_gaussian_dropout = list(r = list(rate = 0.3, seed = 7), py = "GaussianDropout", py_args = list(rate = 0.3, seed = 7L), shape = list(c(4, 3))),
  layer_gaussian_noise = list(r = list(stddev = 0.5, seed = 7), py = "GaussianNoise", py_args = list(stddev = 0.5, seed = 7L), shape = list(c(4, 3))),
  layer_spatial_dropout_1d = list(r = list(rate = 0.3, seed = 7), py = "SpatialDropout1D", py_args = list(rate = 0.3, seed = 7L), shape = list(c(4, 3))),
  layer_spatial_dropout_2d = list(r = list(rate = 0.3, data_format = "channels_last", seed = 7), py = "SpatialDropout2D", py_args = list(rate = 0.3, data_format = "channels_last", seed = 7L), shape = list(c(4, 5, 3))),
  layer_spatial_dropout_3d = list(r = list(rate = 0.3, seed = 7), py = "SpatialDropout3D", py_args = list(rate = 0.3, seed = 7L), shape = list(c(2, 4, 5, 3))),
  layer_batch_normalization = list(r = list(axis = 2, momentum = 0.9, epsilon = 0.01), py = "BatchNormalization", py_args = list(axis = 1L, momentum = 0.9, epsilon = 0.01), shape = list(c(4, 3))),
  layer_group_normalization = list(r = list(groups = 2, axis = -1), py = "GroupNormalization", py_args = list(groups = 2L, axis = -1L), shape = list(c(4, 6))),
  layer_rms_normalization = list(r = list(axis = 3, epsilon = 0.001), py = "RMSNormalization", py_args = list(axis = 2L, epsilon = 0.001), shape = list(c(4, 3))),
  layer_unit_normalization = list(r = list(axis = c(2, 3)), py = "UnitNormalization", py_args = list(axis = py_tuple(1L, 2L)), shape = list(c(4, 3))),
  layer_average = list(r = list(), py = "Average", py_args = list(), shape = list(c(4, 3), c(4, 3))),
  layer_dot = list(r = list(axes = c(3, 2), normalize = TRUE), py = "Dot", py_args = list(axes = py_tuple(2L, 1L), normalize = TRUE), shape = list(c(4, 3), c(3, 5))),
  layer_maximum = list(r = list(), py = "Maximum", py_args = list(), shape = list(c(4, 3), c(4, 3))),
  layer_minimum = list(r = list(), py = "Minimum", py_args = list(), shape = list(c(4, 3), c(4, 3))),
  layer_multiply = list(r = list(), py = "Multiply", py_args = list(), shape = list(c(4, 3), c(4, 3))),
  layer_subtract = list(r = list(), py = "Subtract", py_args = list(), shape = list(c(4, 3), c(4, 3)))
)

case_inputs <- function(case) {
  inputs <- lapply(case$shape, function(s) keras_input(shape = s))
  if (length(inputs) == 1L) inputs[[1]] else inputs
}

case_arrays <- function(case, batch = 2) {
  arrays <- lapply(case$shape, function(s) random_array(batch, s))
  if (length(arrays) == 1L) arrays[[1]] else arrays
}

# --- group B: convolution, reshaping, core, recurrent ---

# One case per wrapper: `r` are the wrapper's arguments as an R user writes
# them (doubles), `py` the same arguments as Python receives them from a
# Python user, `input` the dims of the input array (batch first), `config`
# values the layer's get_config() must hold, as ints.
catalogue_b_case <- function(fn, class, input, r, py = r, config = list(), saves = TRUE, cell = FALSE) {
  list(fn = fn, class = class, input = input, r = r, py = py, config = config, saves = saves, cell = cell)
}

# The wrapper's output on `x` (an array or a symbolic input): a cell is
# wrapped in layer_rnn().
catalogue_b_output <- function(case, x) {
  if (case$cell) {
    return(layer_rnn(x, cell = do.call(case$fn, case$r)))
  }
  do.call(case$fn, c(list(x), case$r))
}

catalogue_b_cases <- function() {
  tuple <- reticulate::tuple
  keras <- reticulate::import("keras")
  list(
    catalogue_b_case("layer_conv_2d", "Conv2D", c(2, 9, 8, 3),
      r = list(filters = 4, kernel_size = c(3, 2), strides = 2, padding = "same", groups = 1),
      py = list(filters = 4L, kernel_size = tuple(3L, 2L), strides = 2L, padding = "same", groups = 1L),
      config = list(filters = 4L, kernel_size = list(3L, 2L), strides = list(2L, 2L), groups = 1L)
    ),
    catalogue_b_case("layer_conv_3d", "Conv3D", c(2, 7, 6, 5, 2),
      r = list(filters = 3, kernel_size = 3, dilation_rate = c(1, 2, 1)),
      py = list(filters = 3L, kernel_size = 3L, dilation_rate = tuple(1L, 2L, 1L)),
      config = list(kernel_size = list(3L, 3L, 3L), dilation_rate = list(1L, 2L, 1L))
    ),
    catalogue_b_case("layer_conv_1d_transpose", "Conv1DTranspose", c(2, 6, 3),
      r = list(filters = 5, kernel_size = 3, strides = 2, output_padding = 1),
      py = list(filters = 5L, kernel_size = 3L, strides = 2L, output_padding = 1L),
      config = list(filters = 5L, kernel_size = list(3L), strides = list(2L), output_padding = list(1L))
    ),
    catalogue_b_case("layer_conv_2d_transpose", "Conv2DTranspose", c(2, 5, 4, 3),
      r = list(filters = 2, kernel_size = c(2, 3), strides = c(2, 1), padding = "same"),
      py = list(filters = 2L, kernel_size = tuple(2L, 3L), strides = tuple(2L, 1L), padding = "same"),
      config = list(kernel_size = list(2L, 3L), strides = list(2L, 1L))
    ),
    catalogue_b_case("layer_conv_3d_transpose", "Conv3DTranspose", c(1, 3, 4, 2, 2),
      r = list(filters = 2, kernel_size = 2, strides = c(2, 1, 2)),
      py = list(filters = 2L, kernel_size = 2L, strides = tuple(2L, 1L, 2L)),
      config = list(kernel_size = list(2L, 2L, 2L), strides = list(2L, 1L, 2L))
    ),
    catalogue_b_case("layer_depthwise_conv_1d", "DepthwiseConv1D", c(2, 10, 3),
      r = list(kernel_size = 3, strides = 2, depth_multiplier = 2),
      py = list(kernel_size = 3L, strides = 2L, depth_multiplier = 2L),
      config = list(kernel_size = list(3L), strides = list(2L), depth_multiplier = 2L)
    ),
    catalogue_b_case("layer_depthwise_conv_2d", "DepthwiseConv2D", c(2, 7, 6, 3),
      r = list(kernel_size = c(3, 2), depth_multiplier = 3, padding = "same"),
      py = list(kernel_size = tuple(3L, 2L), depth_multiplier = 3L, padding = "same"),
      config = list(kernel_size = list(3L, 2L), depth_multiplier = 3L)
    ),
    catalogue_b_case("layer_separable_conv_1d", "SeparableConv1D", c(2, 10, 4),
      r = list(filters = 3, kernel_size = 4, strides = 2, depth_multiplier = 2),
      py = list(filters = 3L, kernel_size = 4L, strides = 2L, depth_multiplier = 2L),
      config = list(filters = 3L, kernel_size = list(4L), depth_multiplier = 2L)
    ),
    catalogue_b_case("layer_separable_conv_2d", "SeparableConv2D", c(2, 8, 8, 3),
      r = list(filters = 5, kernel_size = c(3, 3), dilation_rate = 2),
      py = list(filters = 5L, kernel_size = tuple(3L, 3L), dilation_rate = 2L),
      config = list(filters = 5L, kernel_size = list(3L, 3L), dilation_rate = list(2L, 2L))
    ),
    catalogue_b_case("layer_flatten", "Flatten", c(2, 3, 4, 5),
      r = list(data_format = "channels_last"),
      config = list(data_format = "channels_last")
    ),
    catalogue_b_case("layer_repeat_vector", "RepeatVector", c(2, 5),
      r = list(n = 3), py = list(n = 3L), config = list(n = 3L)
    ),
    catalogue_b_case("layer_upsampling_1d", "UpSampling1D", c(2, 4, 3),
      r = list(size = 3), py = list(size = 3L), config = list(size = 3L)
    ),
    catalogue_b_case("layer_upsampling_2d", "UpSampling2D", c(2, 3, 4, 2),
      r = list(size = c(2, 3), interpolation = "bilinear"),
      py = list(size = tuple(2L, 3L), interpolation = "bilinear"),
      config = list(size = list(2L, 3L))
    ),
    catalogue_b_case("layer_upsampling_3d", "UpSampling3D", c(1, 2, 3, 2, 2),
      r = list(size = c(1, 2, 3)), py = list(size = tuple(1L, 2L, 3L)),
      config = list(size = list(1L, 2L, 3L))
    ),
    catalogue_b_case("layer_cropping_1d", "Cropping1D", c(2, 7, 3),
      r = list(cropping = c(2, 1)), py = list(cropping = tuple(2L, 1L)),
      config = list(cropping = list(2L, 1L))
    ),
    catalogue_b_case("layer_zero_padding_1d", "ZeroPadding1D", c(2, 4, 3),
      r = list(padding = c(1, 3)), py = list(padding = tuple(1L, 3L)),
      config = list(padding = list(1L, 3L))
    ),
    catalogue_b_case("layer_identity", "Identity", c(2, 3, 4), r = list()),
    catalogue_b_case("layer_masking", "Masking", c(2, 5, 3),
      r = list(mask_value = 0.5), config = list(mask_value = 0.5)
    ),
    catalogue_b_case("layer_einsum_dense", "EinsumDense", c(2, 5, 4),
      r = list(equation = "abc,cd->abd", output_shape = c(NA, 6), bias_axes = "d", lora_rank = 2),
      py = list(equation = "abc,cd->abd", output_shape = tuple(NULL, 6L), bias_axes = "d", lora_rank = 2L),
      config = list(output_shape = list(NULL, 6L), lora_rank = 2L)
    ),
    catalogue_b_case("layer_gru", "GRU", c(2, 5, 3),
      r = list(units = 4, return_sequences = TRUE, dropout = 0.25, seed = 3, reset_after = FALSE),
      py = list(units = 4L, return_sequences = TRUE, dropout = 0.25, seed = 3L, reset_after = FALSE),
      config = list(units = 4L, seed = 3L)
    ),
    catalogue_b_case("layer_simple_rnn", "SimpleRNN", c(2, 5, 3),
      r = list(units = 2, go_backwards = TRUE, seed = 7),
      py = list(units = 2L, go_backwards = TRUE, seed = 7L),
      config = list(units = 2L, go_backwards = TRUE)
    ),
    catalogue_b_case("layer_conv_lstm_1d", "ConvLSTM1D", c(2, 3, 6, 2),
      r = list(filters = 3, kernel_size = 2, strides = 2, return_sequences = TRUE),
      py = list(filters = 3L, kernel_size = 2L, strides = 2L, return_sequences = TRUE),
      config = list(filters = 3L, kernel_size = list(2L), strides = list(2L))
    ),
    catalogue_b_case("layer_conv_lstm_2d", "ConvLSTM2D", c(2, 3, 5, 4, 2),
      r = list(filters = 2, kernel_size = c(3, 2), padding = "same"),
      py = list(filters = 2L, kernel_size = tuple(3L, 2L), padding = "same"),
      config = list(filters = 2L, kernel_size = list(3L, 2L))
    ),
    catalogue_b_case("layer_conv_lstm_3d", "ConvLSTM3D", c(1, 2, 4, 4, 3, 1),
      r = list(filters = 2, kernel_size = c(2, 2, 1), dilation_rate = 1),
      py = list(filters = 2L, kernel_size = tuple(2L, 2L, 1L), dilation_rate = 1L),
      config = list(kernel_size = list(2L, 2L, 1L), dilation_rate = list(1L, 1L, 1L))
    ),
    catalogue_b_case("layer_cropping_2d", "Cropping2D", c(2, 6, 7, 3),
      r = list(cropping = list(c(1, 2), c(0, 3))),
      py = list(cropping = tuple(tuple(1L, 2L), tuple(0L, 3L))),
      config = list(cropping = list(list(1L, 2L), list(0L, 3L)))
    ),
    catalogue_b_case("layer_cropping_3d", "Cropping3D", c(1, 5, 4, 6, 2),
      r = list(cropping = c(1, 0, 2)), py = list(cropping = tuple(1L, 0L, 2L)),
      config = list(cropping = list(list(1L, 1L), list(0L, 0L), list(2L, 2L)))
    ),
    catalogue_b_case("layer_zero_padding_2d", "ZeroPadding2D", c(2, 3, 4, 2),
      r = list(padding = list(c(1, 0), c(2, 1))),
      py = list(padding = tuple(tuple(1L, 0L), tuple(2L, 1L))),
      config = list(padding = list(list(1L, 0L), list(2L, 1L)))
    ),
    catalogue_b_case("layer_zero_padding_3d", "ZeroPadding3D", c(1, 2, 3, 2, 2),
      r = list(padding = 2), py = list(padding = 2L),
      config = list(padding = list(list(2L, 2L), list(2L, 2L), list(2L, 2L)))
    ),
    catalogue_b_case("layer_lambda", "Lambda", c(2, 3, 4),
      r = list(f = function(x) x * 2 + 1, output_shape = c(3, 4)),
      py = list(`function` = reticulate::py_eval("lambda x: x * 2 + 1"), output_shape = tuple(3L, 4L)),
      config = list(output_shape = list(3L, 4L)), saves = FALSE
    ),
    catalogue_b_case("layer_bidirectional", "Bidirectional", c(2, 5, 3),
      r = list(layer = layer_lstm(units = 3, return_sequences = TRUE), merge_mode = "ave"),
      py = list(layer = keras$layers$LSTM(3L, return_sequences = TRUE), merge_mode = "ave"),
      config = list(merge_mode = "ave")
    ),
    catalogue_b_case("layer_time_distributed", "TimeDistributed", c(2, 4, 5, 5, 2),
      r = list(layer = layer_conv_2d(filters = 3, kernel_size = 2)),
      py = list(layer = keras$layers$Conv2D(3L, 2L))
    ),
    catalogue_b_case("layer_rnn", "RNN", c(2, 6, 3),
      r = list(cell = list(rnn_cell_gru(4), rnn_cell_simple(2)), return_sequences = TRUE),
      py = list(cell = list(keras$layers$GRUCell(4L), keras$layers$SimpleRNNCell(2L)), return_sequences = TRUE),
      config = list(return_sequences = TRUE)
    ),
    catalogue_b_case("layer_permute", "Permute", c(2, 3, 4, 5),
      r = list(dims = c(3, 1, 2)), py = list(dims = tuple(3L, 1L, 2L)),
      config = list(dims = list(3L, 1L, 2L))
    ),
    catalogue_b_case("layer_reshape", "Reshape", c(2, 12),
      r = list(target_shape = c(-1, 2, 2)), py = list(target_shape = tuple(-1L, 2L, 2L)),
      config = list(target_shape = list(-1L, 2L, 2L))
    ),
    catalogue_b_case("rnn_cell_simple", "SimpleRNNCell", c(2, 6, 3), cell = TRUE,
      r = list(units = 3, activation = "sigmoid", dropout = 0.25, seed = 5),
      py = list(units = 3L, activation = "sigmoid", dropout = 0.25, seed = 5L),
      config = list(units = 3L, seed = 5L)
    ),
    catalogue_b_case("rnn_cell_gru", "GRUCell", c(2, 6, 3), cell = TRUE,
      r = list(units = 4, reset_after = FALSE, recurrent_dropout = 0.5, seed = 2),
      py = list(units = 4L, reset_after = FALSE, recurrent_dropout = 0.5, seed = 2L),
      config = list(units = 4L, seed = 2L, reset_after = FALSE)
    ),
    catalogue_b_case("rnn_cell_lstm", "LSTMCell", c(2, 6, 3), cell = TRUE,
      r = list(units = 5, unit_forget_bias = FALSE, seed = 11),
      py = list(units = 5L, unit_forget_bias = FALSE, seed = 11L),
      config = list(units = 5L, seed = 11L, unit_forget_bias = FALSE)
    ),
    catalogue_b_case("rnn_cells_stack", "StackedRNNCells", c(2, 6, 3), cell = TRUE,
      r = list(cells = list(rnn_cell_lstm(4), rnn_cell_gru(2))),
      py = list(cells = list(keras$layers$LSTMCell(4L), keras$layers$GRUCell(2L)))
    )
  )
}

catalogue_b_input <- function(dims) {
  array(seq_len(prod(dims)) %% 7 / 7 - 0.4, dims)
}
