#!/usr/bin/env bash
# Compiles the workspace's own crates with clippy's lints on (as errors),
# as a RUSTC_WORKSPACE_WRAPPER: one build both lints and produces the test
# binaries, so the lint pass and the test build share every dependency
# instead of building the world twice (scripts/test.sh). Cargo calls it as
# `clippy-wrapper.sh RUSTC ARGS...`; clippy-driver accepts that form.
exec clippy-driver "$@" -D warnings
