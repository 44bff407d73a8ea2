# Sourced by the other scripts: paths and how to build for wasm32 on this machine.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
export PATH="$HOME/.cargo/bin:$ROOT/npm/node_modules/.bin:$PATH"
# wasm builds get their own target dir: the Debian compiler (see below) and rustup's
# would otherwise keep invalidating each other's host artifacts.
export WASM_TARGET_DIR="$ROOT/target/wasm"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

# The rustup wasm32 target where it is installed; otherwise Debian's rustc-web with its
# std source and wasm-ld, building std for wasm32 with -Z build-std (TOOLCHAIN.md).
have_rustup_wasm() {
    command -v rustup >/dev/null 2>&1 &&
        rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown
}

# Runs cargo for the wasm32 target: wasm_cargo build|test [args…]
wasm_cargo() {
    local sub="$1"
    shift
    if have_rustup_wasm; then
        CARGO_TARGET_DIR="$WASM_TARGET_DIR" cargo "$sub" --target wasm32-unknown-unknown "$@"
    else
        RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc \
            CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-19 \
            CARGO_TARGET_DIR="$WASM_TARGET_DIR" \
            /usr/bin/cargo "$sub" --target wasm32-unknown-unknown \
            -Z build-std=std,panic_abort "$@"
    fi
}

# Whether Debian's rustc-web, its std source and wasm-ld are installed (TOOLCHAIN.md).
have_debian_build_std() {
    [ -x /usr/bin/rustc ] && [ -x /usr/bin/cargo ] && command -v wasm-ld-19 >/dev/null 2>&1 &&
        [ -d /usr/lib/rustlib/src/rust/library/std ]
}

# Builds a crate for the npm package with the smallest wasm this machine can make:
# wasm_size_build <crate>, printing the built .wasm's path. With Debian's toolchain, std
# itself is rebuilt for size (`optimize_for_size`), panics abort on the spot without
# formatting a message (`-Cpanic=immediate-abort`), and neither panic locations nor
# `Debug` output are compiled in (`-Zlocation-detail=none -Zfmt-debug=none`, so the crate
# must not show `{:?}` output to anyone): about 30 KB less wasm for the recorder (14 KB
# gzipped). Otherwise, or with TAPEDECK_PLAIN_STD=1 (to check that route), the ordinary
# wasm_cargo build.
wasm_size_build() {
    local crate="$1" name="${1//-/_}"
    if [ -z "${TAPEDECK_PLAIN_STD:-}" ] && have_debian_build_std; then
        # Its own target dir: the flags differ from the test builds'.
        RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc \
            CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-19 \
            CARGO_TARGET_DIR="$ROOT/target/wasm-min" \
            RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none" \
            /usr/bin/cargo build -q --target wasm32-unknown-unknown \
            -Z build-std=std,panic_abort -Z build-std-features=optimize_for_size \
            --profile wasm -p "$crate" --lib >&2
        echo "$ROOT/target/wasm-min/wasm32-unknown-unknown/wasm/$name.wasm"
    else
        echo "note: Debian's rustc-web + rust-web-src not installed; building without build-std (larger wasm)" >&2
        wasm_cargo build --profile wasm -p "$crate" --lib >&2
        echo "$WASM_TARGET_DIR/wasm32-unknown-unknown/wasm/$name.wasm"
    fi
}

# The wasm-bindgen version pinned in Cargo.lock; the CLI must match it exactly.
locked_wasm_bindgen_version() {
    awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
