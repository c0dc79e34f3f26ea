# The one body behind every generated layer wrapper: build the layer, then
# compose it with the wrapper's first argument as the Value section of each
# reference page says.
#
#   first argument missing or NULL  -> the Layer instance
#   a Sequential model              -> the layer is added in place; the model, invisibly
#   a tensor, array or list of them -> the layer is called on it; its output
#
# A wrapper is one call, compose_layer(py_class, name = coercion, ...), with a
# coercion for each of its arguments. Only the arguments the caller supplied
# are coerced and sent; Keras's defaults, which the wrapper's usage shows
# (`python -m codegen drift` keeps them equal), apply to the rest. What a
# layer's call takes (its inputs, call arguments, input dtype) comes from the
# generated table `layer_calls` (layer_calls.R), keyed by `py_class`.

# Layer keyword arguments every Keras layer accepts, whatever its spec (the
# keyword arguments of keras.layers.Layer).
layer_kwarg_coercers <- list(
  name = arg_string,
  dtype = arg_dtype,
  trainable = arg_flag,
  autocast = arg_flag,
  activity_regularizer = function(x, arg, call) arg_regularizer(x, arg, nullable = TRUE, call = call),
  input_shape = arg_shape,
  input_dim = function(x, arg, call) arg_integer(x, arg, min = 1, call = call)
)

# `.py_class` starts with a dot so that no layer argument (R matches names
# partially to the formals before `...`) can land in it.
compose_layer <- function(.py_class, ...) {
  frame <- parent.frame()
  wrapper <- sys.function(-1L)
  layer <- the$layer_calls[[.py_class]]
  # A call argument only a layer instance's call takes (the wrapper has a
  # formal of its name, or one R would match it to) is none of the wrapper's.
  if (!is.null(layer$instance_only)) {
    layer$call_args <- layer$call_args[setdiff(names(layer$call_args), layer$instance_only)]
  }
  given <- given_arguments(wrapper, sys.call(-1L), frame, parent.frame(2L), layer, .py_class)
  formal_names <- the$wrapper_formals[[.py_class]]$names
  # Messages name the input "object" where a wrapper has none (RNN cells).
  input_arg <- the$wrapper_formals[[.py_class]]$input
  # Forced first, so nested wrappers create their layers in reading order.
  object <- if (!is.null(input_arg) && input_arg %in% given$supplied) get(input_arg, envir = frame)
  input_arg <- input_arg %||% "object"
  args <- list()
  for (i in which(...names() %in% given$supplied)) {
    args[...names()[[i]]] <- list(...elt(i))
  }
  # An argument whose R formal is not Keras's keyword (`f` for `function`)
  # reaches Python under the keyword.
  if (!is.null(layer$py_names)) {
    renamed <- names(args) %in% names(layer$py_names)
    names(args)[renamed] <- unname(layer$py_names[names(args)[renamed]])
  }
  dots <- c(eval(quote(list(...)), frame), given$moved)
  if (!length(dots)) {
    return(compose_with(.py_class, args, object, list(), layer, input_arg, frame))
  }
  routed <- route_dots(dots, layer, input_arg, frame, taken = formal_names)
  object <- join_inputs(object, routed$inputs, layer, input_arg, frame)
  compose_with(.py_class, c(args, routed$layer_kwargs), object, routed$call_args,
    layer, input_arg, frame)
}

compose_with <- function(py_class, args, object, call_kwargs, layer, input_arg, call) {
  if (is.null(object)) {
    if (length(call_kwargs)) {
      abort_call_args_unused(call_kwargs, "is `NULL`", input_arg, call)
    }
    return(with_python_errors(compose_functions()$compose(py_class, args), call))
  }
  # Python tells a Sequential model apart (one crossing per call); R asks
  # only when call arguments would be lost on one.
  if (length(call_kwargs) && is_instance(object, "keras.Sequential")) {
    abort_call_args_unused(call_kwargs, "is a sequential model", input_arg, call)
  }
  object <- as_layer_input(object, input_arg, layer$input_dtype, call)
  result <- with_python_errors(
    compose_functions()$compose(py_class, args, object, call_kwargs, spread_input_names(layer)),
    call, input_arg
  )
  # NULL back: a Sequential model took the layer, in place.
  if (is.null(result)) invisible(object) else result
}

# Which of the wrapper's arguments the caller supplied, by R's matching of
# the call as written. missing() cannot tell: it is TRUE for an argument
# passed on from a caller's own missing argument, even one with a default.
#
# R matches a name partially to an argument before `...`: `value =` would
# land in `value_dim`. That is never silent here. A partial name that is one
# of the layer's call inputs or call arguments (`value` of
# layer_multi_head_attention()) is moved back to `...`, where it belongs; any
# other is an error naming both.
given_arguments <- function(wrapper, wrapper_call, frame, caller, layer, py_class) {
  formals <- the$wrapper_formals[[py_class]] %||% wrapper_formals(wrapper, py_class, layer)
  if (length(wrapper_call) == 1L) {
    return(check_required(character(), formals, wrapper_call, frame))
  }
  args <- as.list(wrapper_call)[-1]
  spelt <- names(args) %||% rep("", length(args))
  forwards_dots <- any(vapply(args, identical, TRUE, quote(...)))
  if (!forwards_dots && !any(nzchar(spelt))) {
    # Positional arguments only: R binds them to the arguments before `...`
    # in order (the common `layer_dense(x, 3)`), with no names to check.
    supplied <- formals$before_dots[seq_len(min(length(args), length(formals$before_dots)))]
    return(check_required(supplied, formals, wrapper_call, frame))
  }
  matched <- match.call(wrapper, wrapper_call, expand.dots = FALSE, envir = caller)
  supplied <- setdiff(names(matched)[-1], "...")
  # The names as written; a `...` passed on by the caller is expanded first.
  if (forwards_dots) {
    spelt <- names(match.call(function(...) NULL, wrapper_call, envir = caller))[-1]
  }
  moved <- list()
  for (name in setdiff(spelt, c(formals$names, ""))) {
    target <- formals$before_dots[startsWith(formals$before_dots, name)]
    if (length(target) != 1L || target %in% spelt) {
      next
    }
    if (name %in% c(routed_input_names(layer), names(layer$call_args))) {
      moved[name] <- list(get(target, envir = frame))
      supplied <- setdiff(supplied, target)
    } else {
      cli::cli_abort(
        c(
          "{.arg {name}} is not an argument of {.fn {wrapper_name(wrapper_call)}}.",
          "x" = "R would match it partially to {.arg {target}}.",
          if (name %in% layer$instance_only) {
            instance_only_hint()
          } else {
            c("i" = "Write {.arg {target}} in full.")
          }
        ),
        call = frame, class = "rkeras_arg_error"
      )
    }
  }
  check_required(supplied, formals, wrapper_call, frame, moved)
}

check_required <- function(supplied, formals, wrapper_call, frame, moved = list()) {
  absent <- formals$required[!formals$required %in% supplied]
  if (length(absent)) {
    cli::cli_abort(
      "{.arg {absent[[1]]}} is missing, with no default: {.fn {wrapper_name(wrapper_call)}} needs it.",
      call = frame, class = "rkeras_arg_error"
    )
  }
  list(supplied = supplied, moved = moved)
}

# A wrapper's formal arguments, worked out once per wrapper (one per layer
# class): all names, the one that carries the layer's input, those before
# `...` (which R matches partially and by position), and the required ones
# (no default), leaving out the input, which may be missing.
wrapper_formals <- function(wrapper, py_class, layer) {
  defaults <- formals(wrapper)
  names <- names(defaults)
  required <- names[vapply(defaults, function(x) is.symbol(x) && !nzchar(as.character(x)), TRUE)]
  # The first argument carries the layer's input, unless the wrapper only
  # builds the layer (an RNN cell).
  input <- if (!isFALSE(layer$composes)) names[[1]]
  formals <- list(
    names = names,
    input = input,
    before_dots = names[seq_len(match("...", names) - 1L)],
    required = setdiff(required, c(input, "...", layer$optional))
  )
  the$wrapper_formals[[py_class]] <- formals
  formals
}

wrapper_name <- function(wrapper_call) {
  name <- wrapper_call[[1]]
  if (is.symbol(name)) as.character(name) else deparse(name)[[1]]
}

# Inputs a caller may name in `...`: query, value and key of a multi-input
# attention layer.
routed_input_names <- function(layer) {
  layer$named_inputs %||% character()
}

# Several call inputs (query, value, key) tell Python to spread a list over
# them; NULL means the layer takes its input whole.
spread_input_names <- function(layer) {
  if (length(layer$inputs) > 1L) as.list(layer$inputs)
}

# Sort `...` into the layer's inputs (extra positional inputs of a merging
# layer; query, value, key by name), its call arguments (coerced by their
# declared types) and the layer keyword arguments; anything else is an error
# with a did-you-mean. `taken` names the wrapper's own arguments: one that is
# also a layer keyword argument (`input_dim` of layer_embedding()) never
# reaches `...`, so the error message leaves it out.
route_dots <- function(dots, layer, input_arg, call, layer_kwargs = layer_kwarg_coercers,
                       taken = character()) {
  routed <- list(inputs = list(), layer_kwargs = list(), call_args = list())
  names <- names(dots) %||% rep("", length(dots))
  input_names <- routed_input_names(layer)
  for (i in seq_along(dots)) {
    name <- names[[i]]
    value <- dots[[i]]
    if (!nzchar(name)) {
      if (!isTRUE(layer$variadic)) {
        cli::cli_abort(
          c(
            "Every argument in {.arg ...} must be named.",
            "x" = "Argument {i} of {.arg ...} is unnamed: {describe_value(value)}.",
            "i" = "The layer's inputs go in {.arg {input_arg}}."
          ),
          call = call, class = "rkeras_arg_error"
        )
      }
      routed$inputs <- c(routed$inputs, list(value))
    } else if (name %in% input_names) {
      routed$inputs[name] <- list(value)
    } else if (!is.null(layer$call_args[[name]])) {
      if (!is.null(value)) {
        routed$call_args[name] <- list(arg_coercers[[layer$call_args[[name]]]](value, name, call = call))
      }
    } else if (!is.null(layer_kwargs[[name]])) {
      routed$layer_kwargs[name] <- list(layer_kwargs[[name]](value, name, call = call))
    } else if (isTRUE(layer$open_call_args)) {
      routed$call_args[name] <- list(value)
    } else {
      abort_unknown_dot(
        name, c(input_names, names(layer$call_args)), setdiff(names(layer_kwargs), taken), call,
        also_known = setdiff(taken, c(input_arg, "...")),
        instance_only = name %in% layer$instance_only
      )
    }
  }
  routed
}

# The layer's inputs, from the first argument and what `...` added to it:
# a merging layer's further inputs (`layer_add(a, b)`), or query, value and
# key given by name.
join_inputs <- function(object, extra, layer, input_arg, call) {
  if (!length(extra)) {
    return(object)
  }
  if (isTRUE(layer$variadic)) {
    first <- if (is.list(object) && !is_python_object(object)) object else list(object)
    return(c(first, extra))
  }
  if (!is.null(object)) {
    cli::cli_abort(
      c(
        "Give the inputs either as {.arg {input_arg}} or by name, not both.",
        "x" = "Got {.arg {input_arg}} and {.arg {names(extra)}}."
      ),
      call = call, class = "rkeras_arg_error"
    )
  }
  first <- layer$named_inputs[[1]]
  if (is.null(extra[[first]])) {
    cli::cli_abort("{.arg {first}} is missing: the layer needs it as its first input.", call = call, class = "rkeras_arg_error")
  }
  named <- extra[intersect(layer$named_inputs, names(extra))]
  # A layer whose call spreads its inputs takes them by name; one that takes
  # a single list (Attention) takes them in order.
  if (length(layer$inputs) > 1L) named else unname(named)
}

# The first argument as the layer's call takes it: a tensor, an R array (of
# strings too where the layer takes them), or a list of them (a data.frame of
# numeric columns as a matrix), with R integer arrays as doubles where the
# layer computes in floats. Anything else is an error that names the argument
# and says what it received.
as_layer_input <- function(x, arg, input_dtype, call) {
  # Tensors first: they are what model code passes on almost every call.
  if (is_python_object(x)) {
    return(x)
  }
  x <- as_model_input(x, arg, call)
  if (is.numeric(x) || is.logical(x)) {
    if (length(x) == 0L) {
      abort_arg(arg, "a tensor, an R array or a list of them", x, call = call)
    }
    if (identical(input_dtype, "float") && is.integer(x)) {
      storage.mode(x) <- "double"
    }
    return(x)
  }
  # Strings, where the layer takes them (`input_dtype: string`): a vector is
  # a 1-d array, one string tensor to Keras (a Python list would be many inputs).
  if (identical(input_dtype, "string") && is.character(x) && length(x) && !anyNA(x)) {
    return(if (is.null(dim(x))) array(x) else x)
  }
  if (is.list(x) && length(x) && is.null(dim(x))) {
    for (i in seq_along(x)) {
      if (!is.null(x[[i]]) && !is_python_object(x[[i]])) {
        x[i] <- list(as_layer_input(x[[i]], sprintf("%s[[%d]]", arg, i), input_dtype, call))
      }
    }
    return(x)
  }
  abort_arg(arg, "a tensor, an R array, a list of them, a sequential model or `NULL`", x, call = call)
}

abort_unknown_dot <- function(name, call_arg_names, layer_arg_names, call, also_known = character(),
                              instance_only = FALSE) {
  closest <- closest_name(name, c(call_arg_names, layer_arg_names, also_known))
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
      if (instance_only) instance_only_hint(),
      if (!is.null(closest) && !instance_only) c("i" = "Did you mean {.arg {closest}}?")
    ),
    call = call, class = "rkeras_arg_error"
  )
}

# For a call argument only the layer instance's call takes (`instance_only`
# in layer_calls); interpolated where `name` is that argument.
instance_only_hint <- function() {
  c("i" = "{.arg {name}} is an argument of the layer's call: create the layer, then call it with {.code layer(x, {name} = ...)}.")
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

abort_call_args_unused <- function(call_kwargs, why, input_arg, call) {
  what <- if (length(call_kwargs) == 1L) "Call argument" else "Call arguments"
  cli::cli_abort(
    c(
      "{what} {.arg {names(call_kwargs)}} can only be used when {.arg {input_arg}} is a tensor or array.",
      "x" = "Here {.arg {input_arg}} {why}, so the layer is not called.",
      "i" = "Call the layer instead: {.code layer <- ...; layer(inputs, {names(call_kwargs)[[1]]} = ...)}."
    ),
    call = call, class = "rkeras_arg_error"
  )
}
