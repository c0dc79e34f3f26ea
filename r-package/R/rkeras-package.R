#' @keywords internal
#' @importFrom rlang %||% .data
"_PACKAGE"
