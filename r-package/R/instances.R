#' Layer instances: calling a layer from R
#'
#' Called with no `object`, a layer function such as [layer_attention()]
#' returns the layer itself. It is an R function and the Python layer at once:
#' `layer$name`, `layer$get_config()` and the other Keras attributes work, it
#' can be added to models, and calling it runs the layer.
#'
#' A call checks its arguments the way the layer function does: the call
#' arguments listed on the layer's page are coerced by their declared types,
#' an unknown one is an error that names it, R integer arrays are accepted
#' where the layer takes floats, and a Python error arrives as one message.
#' A layer with several inputs (such as [layer_multi_head_attention()]) takes
#' them as one list or one by one.
#'
#' @name layer-instances
#' @family model functions
#' @returns Calling a layer instance returns its output: a tensor, or an R
#'   list of tensors when the layer returns several (as with
#'   `return_attention_scores = TRUE`).
#' @examplesIf rkeras::is_keras_available()
#' layer <- layer_attention()
#' layer$name
#' query <- array(runif(2 * 3 * 4), c(2, 3, 4))
#' value <- array(runif(2 * 5 * 4), c(2, 5, 4))
#' out <- layer(list(query, value), return_attention_scores = TRUE)
#' dim(as.array(out[[2]]))
#'
#' mha <- layer_multi_head_attention(num_heads = 2, key_dim = 4)
#' dim(as.array(mha(query, value)))
NULL

# A layer instance, as a wrapper returns it for a NULL `object`: an R function
# that calls the layer, carrying the Python object the way reticulate's own
# wrappers do (its class vector and the `py_object` attribute), so `$`,
# print() and passing it back to Python work as on any reticulate object.
#
# Building it here, rather than through reticulate::py_to_r(), saves a second
# conversion of the layer on every construction, and lets a call of the
# instance coerce its arguments by the types the spec declares, exactly as
# the wrapper does:
#
#   layer <- layer_attention()
#   layer(list(query, value), return_attention_scores = TRUE)
#   mha <- layer_multi_head_attention(num_heads = 2, key_dim = 4)
#   mha(query, value)
new_layer_instance <- function(layer, call_args, inputs, input_dtype) {
  instance <- function(object, ...) {
    call_layer_instance(layer, object, list(...), call_args, inputs, input_dtype)
  }
  attributes(instance) <- list(class = class(layer), py_object = layer)
  instance
}

call_layer_instance <- function(layer, object, dots, call_args, inputs, input_dtype,
                                call = rlang::caller_env()) {
  if (missing(object)) {
    cli::cli_abort(
      "{.arg object}, the input{?s} {.arg {inputs}} to call the layer on, is missing.",
      call = call, class = "rkeras_arg_error"
    )
  }
  named <- nzchar(names(dots) %||% rep("", length(dots)))
  if (any(!named)) {
    object <- spread_extra_inputs(object, dots[!named], inputs, call)
  }
  call_kwargs <- route_dots(dots[named], call_args, call, layer_kwargs = list())$call_args
  bridge <- python_bridge()
  result <- bridge$call(bridge$call_layer, list(
    layer, prepare_inputs(object, inputs, input_dtype, bridge$hold, call),
    python_elements(call_kwargs, bridge$hold), spread_input_names(inputs)
  ))
  check_python_failure(result, call)
  as_layer_output(result)
}

# `mha(query, value)`: as in Keras, a layer with several inputs takes them
# positionally; they join `object` as one list.
spread_extra_inputs <- function(object, extra, inputs, call) {
  if (length(inputs) == 1L || is.list(object) && !inherits(object, "python.builtin.object")) {
    cli::cli_abort(
      c(
        "Arguments in {.arg ...} must be named.",
        "x" = "Got {length(extra)} unnamed argument{?s} after {.arg object}: {describe_value(extra[[1]])}.",
        "i" = if (length(inputs) == 1L) {
          "This layer takes one input, {.arg object}."
        } else {
          "Give the inputs {.arg {inputs}} either as one list or one by one, not both."
        }
      ),
      call = call, class = "rkeras_arg_error"
    )
  }
  c(list(object), unname(extra))
}
