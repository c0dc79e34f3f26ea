# keras3's other names for functions of this package, so that keras3 code
# that uses them runs unchanged. Each is the same function object; this file
# sorts last, so every function it names is already defined.

#' @rdname keras_input
#' @export
layer_input <- keras_input

#' @rdname layer_bidirectional
#' @export
bidirectional <- layer_bidirectional

#' @rdname layer_time_distributed
#' @export
time_distributed <- layer_time_distributed

#' @rdname Layer
#' @export
new_layer_class <- Layer

#' @rdname Callback
#' @export
new_callback_class <- Callback
