# The one body behind every generated layer wrapper: build the layer, then
# compose it with `object` as the Value section of each reference page says.
#
#   object missing or NULL   -> the Layer instance
#   a Sequential model       -> the layer is added in place; the model, invisibly
#   a tensor, array or list  -> the layer is called on it; its output
#
# `args` holds the constructor arguments, already coerced by the wrapper, or
# NULL when the call set none: Keras then uses its defaults, which are the
# spec's (a wrapper's nargs() tells; see _constructor_args() in codegen/view.py).
# `call_args` maps each call argument the spec declares to its coercer, so
# such arguments given in `...` go to the call, not the constructor.
# `inputs` names how `object` enters the call: "inputs" passes it whole;
# several names spread a list over those parameters (query, value, key).
# `input_dtype = "float"` (declared in the spec) turns R integer arrays in
# `object` into doubles: R users build test data with `1:n`, and Keras will not
# take softmax of an int32 tensor.

# Layer keyword arguments every Keras layer accepts, whatever its spec (the
# keyword arguments of keras.layers.Layer). `dtype` may be a name or a dtype
# policy, and `activity_regularizer` a name or a regularizer: Keras resolves
# both.
layer_kwarg_coercers <- list(
  name = arg_string,
  dtype = function(x, arg, call) x,
  trainable = arg_flag,
  autocast = arg_flag,
  activity_regularizer = function(x, arg, call) x,
  input_shape = arg_shape,
  input_dim = function(x, arg, call) arg_integer(x, arg, min = 1, call = call)
)

compose_layer <- function(object, py_class, args, dots = list(), call_args = list(),
                          inputs = "inputs", input_dtype = "any", call = rlang::caller_env()) {
  # Forced first, so nested wrappers create their layers in reading order.
  object <- if (missing(object)) NULL else object
  call_kwargs <- NULL
  if (length(dots)) {
    routed <- route_dots(dots, call_args, call, taken = names(args))
    args <- c(args, routed$layer_kwargs)
    call_kwargs <- routed$call_args
    if (length(call_kwargs)) {
      refuse_call_args(object, call_kwargs, call)
    }
  }
  bridge <- python_bridge()
  # One crossing into Python builds the layer and composes it (see
  # inst/python/rkeras_compose.py).
  if (is.null(object)) {
    # Building a layer is the hot path of model code; it touches nothing else.
    layer <- bridge$call(bridge$compose, list(py_class, args))
    check_python_failure(layer, call)
    return(new_layer_instance(layer, call_args, inputs, input_dtype))
  }
  result <- bridge$call(bridge$compose, list(
    py_class, args, prepare_inputs(object, inputs, input_dtype, bridge$hold, call),
    python_elements(call_kwargs, bridge$hold), spread_input_names(inputs)
  ))
  check_python_failure(result, call)
  # None back means a Sequential model took the layer.
  if (inherits(result, "python.builtin.NoneType")) {
    return(invisible(object))
  }
  as_layer_output(result)
}

# Several outputs (`return_attention_scores = TRUE`) arrive as a Python tuple,
# which R users index as a list; a single tensor is already what R hands back,
# and converting it again would only cost time.
as_layer_output <- function(result) {
  if (inherits(result, c("python.builtin.tuple", "python.builtin.list", "python.builtin.dict"))) {
    return(reticulate::py_to_r(result))
  }
  result
}

# `object` as the layer's call takes it and Python receives it, for the
# wrapper and for a layer instance alike, in one pass: R integer arrays as
# doubles where the spec declares float inputs, Python objects in holders
# where `hold` (see python_elements()), and no more inputs than a
# spread-input layer has.
prepare_inputs <- function(object, inputs, input_dtype, hold, call) {
  if (length(inputs) > 1L) {
    check_spread_inputs(object, inputs, call)
  }
  to_float <- input_dtype == "float"
  if (is.list(object)) {
    return(python_elements(object, hold, to_float))
  }
  python_elements(list(object), hold, to_float)[[1]]
}

# Several call inputs (query, value, key) tell Python to spread a list over
# them; NULL means the layer takes `object` whole.
spread_input_names <- function(inputs) {
  if (length(inputs) > 1L) inputs
}

check_spread_inputs <- function(object, inputs, call) {
  if (is.list(object) && !inherits(object, "python.builtin.object") &&
    length(object) > length(inputs)) {
    cli::cli_abort(
      "{.arg object} must be a list of at most {length(inputs)} tensors ({.arg {inputs}}), not a list of length {length(object)}.",
      call = call, class = "rkeras_arg_error"
    )
  }
}

# Split named `...` into call arguments (coerced by their declared types) and
# the layer keyword arguments in `layer_kwargs`; anything else is an error.
# `taken` names the wrapper's own formal arguments: one that is also a layer
# keyword argument (such as `input_dim` of layer_embedding()) never reaches
# `...`, so the error message leaves it out.
route_dots <- function(dots, call_args, call, layer_kwargs = layer_kwarg_coercers,
                       taken = character()) {
  routed <- list(layer_kwargs = list(), call_args = list())
  names <- names(dots) %||% rep("", length(dots))
  for (i in seq_along(dots)) {
    name <- names[[i]]
    value <- dots[[i]]
    if (!nzchar(name)) {
      cli::cli_abort(
        c(
          "Every argument in {.arg ...} must be named.",
          "x" = "Argument {i} of {.arg ...} is unnamed: {describe_value(value)}."
        ),
        call = call, class = "rkeras_arg_error"
      )
    }
    if (!is.null(call_args[[name]])) {
      if (!is.null(value)) {
        routed$call_args[[name]] <- call_args[[name]](value, name, call = call)
      }
    } else if (!is.null(layer_kwargs[[name]])) {
      routed$layer_kwargs[[name]] <- layer_kwargs[[name]](value, name, call = call)
    } else {
      abort_unknown_dot(name, names(call_args), setdiff(names(layer_kwargs), taken), call)
    }
  }
  routed
}

abort_unknown_dot <- function(name, call_arg_names, layer_arg_names, call) {
  closest <- closest_name(name, c(call_arg_names, layer_arg_names))
  accepted <- if (length(call_arg_names) && length(layer_arg_names)) {
    "{.arg ...} takes the call arguments {.arg {call_arg_names}} and the layer arguments {.arg {layer_arg_names}}."
  } else if (length(layer_arg_names)) {
    "{.arg ...} takes the layer arguments {.arg {layer_arg_names}}."
  } else if (length(call_arg_names)) {
    "{.arg ...} takes the call arguments {.arg {call_arg_names}}."
  } else {
    "This layer's call takes no arguments in {.arg ...}."
  }
  cli::cli_abort(
    c(
      "Unknown argument {.arg {name}} in {.arg ...}.",
      "i" = accepted,
      if (!is.null(closest)) c("i" = "Did you mean {.arg {closest}}?")
    ),
    call = call, class = "rkeras_arg_error"
  )
}

# A misspelling (a few edits away) or a truncation of a known name.
closest_name <- function(name, known) {
  if (!length(known)) {
    return(NULL)
  }
  distance <- utils::adist(name, known)[1, ]
  distance[startsWith(known, name)] <- 0
  if (min(distance) > max(2, nchar(name) %/% 3)) {
    return(NULL)
  }
  known[[which.min(distance)]]
}

refuse_call_args <- function(object, call_kwargs, call) {
  why <- if (is.null(object)) {
    "`object` is `NULL`"
  } else if (is_instance(object, "keras.Sequential")) {
    "`object` is a sequential model"
  }
  if (!is.null(why)) {
    cli::cli_abort(
      c(
        "Call argument{?s} {.arg {names(call_kwargs)}} can only be used when {.arg object} is a tensor or array.",
        "x" = "Here {why}, so the layer is not called.",
        "i" = "Call the layer instead: {.code layer <- ...; layer(inputs, {names(call_kwargs)[[1]]} = ...)}."
      ),
      call = call, class = "rkeras_arg_error"
    )
  }
}
