# Builds the rkeras pkgdown site, offline, from what roxygen2 made of R/.
#
#   Rscript tools/build_site.R [--pkg r-package] [--dest DIR] [--installed yes]
#
# `make docs` runs it after `codegen generate` and roxygen2. The site goes to
# <pkg>/docs (or --dest), which is wiped first so that the page of a removed
# function never lingers. Never edit the output by hand.
#
#   1. The configuration is <pkg>/_pkgdown.yml, reference index included
#      (`codegen generate` writes its layer family sections).
#   2. pkgdown::build_site() offline, in this process. pkgdown installs <pkg>
#      into a temporary library first, so the examples run against exactly
#      these sources, never an older rkeras from R_LIBS. With --installed yes
#      it skips that and uses the rkeras that R_LIBS holds: make check-site
#      says so, since its .rlib is installed from these very sources.
#      Debian's pkgdown template loads MathJax from file:///usr/share/...;
#      the build uses a copy of that template with upstream's CDN address.
#   3. Stops with an error naming the pages whose examples raised an error.

local({
  started <- Sys.time()
  say <- function(...) cat("build_site: ", ..., "\n", sep = "")
  fail <- function(...) {
    cat("build_site: error: ", ..., "\n", sep = "", file = stderr())
    quit(save = "no", status = 1)
  }
  elapsed <- function() sprintf("%.1f", as.numeric(difftime(Sys.time(), started, units = "secs")))

  # --- arguments -------------------------------------------------------------
  args <- commandArgs(trailingOnly = TRUE)
  opt <- list(pkg = "r-package", dest = "", installed = "no")
  i <- 1L
  while (i <= length(args)) {
    key <- sub("^--", "", args[[i]])
    if (!key %in% names(opt) || i == length(args)) {
      fail("usage: Rscript tools/build_site.R [--pkg DIR] [--dest DIR] [--installed yes|no]")
    }
    opt[[key]] <- args[[i + 1L]]
    i <- i + 2L
  }
  if (!opt$installed %in% c("yes", "no")) fail("--installed must be yes or no, not ", opt$installed)
  use_installed <- opt$installed == "yes"
  if (use_installed && !requireNamespace("rkeras", quietly = TRUE)) {
    fail("--installed yes, but no rkeras is installed in ", paste(.libPaths(), collapse = ", "))
  }
  pkg <- normalizePath(opt$pkg, mustWork = FALSE)
  if (!file.exists(file.path(pkg, "DESCRIPTION"))) fail(opt$pkg, " is not an R package (no DESCRIPTION)")
  if (!file.exists(file.path(pkg, "_pkgdown.yml"))) fail("no _pkgdown.yml in ", opt$pkg)
  dest <- if (nzchar(opt$dest)) opt$dest else file.path(pkg, "docs")
  # Absolute before pkgdown sees it: pkgdown resolves a relative destination
  # against the package, and normalizePath() leaves a path that does not
  # exist yet as it is.
  if (!grepl("^(/|[A-Za-z]:)", dest)) dest <- file.path(getwd(), dest)
  if (!requireNamespace("pkgdown", quietly = TRUE)) fail("R package pkgdown is missing: run make setup")

  # --- 1. configuration ----------------------------------------------------------
  # The reference index is <pkg>/_pkgdown.yml as it stands: `codegen generate`
  # writes its layer family sections there.
  site <- pkgdown::as_pkgdown(pkg, override = list(destination = dest))

  # Debian's pkgdown loads MathJax from file:///usr/share/javascript/mathjax/,
  # a path on the build machine that no reader of the site has. Put upstream's
  # CDN address back, in a patched copy of the head template.
  head <- file.path(system.file(package = "pkgdown"), paste0("BS", site$bs_version), "templates", "head.html")
  own_head <- file.path(pkg, "pkgdown", "templates", "head.html")
  if (file.exists(head) && !file.exists(own_head) && is.null(site$meta$template$path)) {
    lines <- readLines(head, warn = FALSE, encoding = "UTF-8")
    local_mathjax <- "file:///usr/share/javascript/mathjax/"
    if (any(grepl(local_mathjax, lines, fixed = TRUE))) {
      templates <- file.path(tempdir(), "pkgdown-templates")
      dir.create(templates, showWarnings = FALSE)
      writeLines(
        gsub(local_mathjax, "https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.5/", lines, fixed = TRUE),
        file.path(templates, "head.html"), useBytes = TRUE
      )
      site$meta$template$path <- templates
      say("head template: MathJax from the CDN, not from Debian's file:///usr/share/javascript")
    }
  }
  # --- 2. build, offline ---------------------------------------------------------
  if (dir.exists(dest)) {
    if (!file.exists(file.path(dest, "pkgdown.yml")) && length(list.files(dest, all.files = TRUE, no.. = TRUE))) {
      fail(dest, " exists and is not a pkgdown site (no pkgdown.yml in it): refusing to wipe it")
    }
    unlink(dest, recursive = TRUE)
  }
  options(pkgdown.internet = FALSE)
  install_failed <- character()
  ok <- withCallingHandlers(
    tryCatch(
      {
        pkgdown::build_site(site, preview = FALSE, new_process = FALSE, devel = FALSE, install = !use_installed)
        TRUE
      },
      error = function(e) {
        cat("build_site: error: pkgdown failed: ", conditionMessage(e), "\n", sep = "", file = stderr())
        FALSE
      }
    ),
    warning = function(w) {
      # install.packages() only warns when the install fails; the examples would
      # then run against whatever rkeras R_LIBS holds.
      if (grepl("installation of package", conditionMessage(w), fixed = TRUE)) {
        install_failed <<- c(install_failed, conditionMessage(w))
      }
    }
  )
  if (length(install_failed)) fail("installing ", opt$pkg, " failed: ", install_failed[[1]])
  if (!isTRUE(ok)) quit(save = "no", status = 1)

  # --- 3. examples that raised an error --------------------------------------------
  pages <- list.files(file.path(dest, "reference"), pattern = "\\.html$", full.names = TRUE)
  broken <- Filter(function(f) any(grepl("class=\"r-err", readLines(f, warn = FALSE), fixed = TRUE)), pages)
  if (length(broken)) {
    fail(
      "examples raised an error on ", length(broken), " page(s): ",
      paste(sub(".*/reference/", "reference/", broken), collapse = ", "),
      "\n  (the site was written to ", dest, "; the errors show in each page's Examples)"
    )
  }
  say("site written to ", dest, " (", length(pages), " reference pages) in ", elapsed(), " s")
})
