//! Gives the command line, its tests and benches an rpath to libtorch, so they run without `LD_LIBRARY_PATH`.
//! (A build script's link arguments reach only its own package's targets: `nertab-model`'s build script does the
//! same for its own tests, and compiles the C++ shim.)
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    let root = PathBuf::from(std::env::var_os("LIBTORCH").unwrap_or_else(|| ".libtorch".into()));
    let lib = root.canonicalize().unwrap_or(root).join("lib");
    println!("cargo:rustc-link-arg=-Wl,-rpath,{}", lib.display());
}
