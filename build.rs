//! Gives every binary, test and bench an rpath to libtorch, so they run without `LD_LIBRARY_PATH`.
//! `LIBTORCH` comes from `.cargo/config.toml` (the `.libtorch` link that `scripts/setup.sh` makes).
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    if let Some(dir) = std::env::var_os("LIBTORCH") {
        let lib = PathBuf::from(dir).join("lib");
        let lib = lib.canonicalize().unwrap_or(lib);
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", lib.display());
    }
}
