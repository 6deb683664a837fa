//! Gives this crate's tests an rpath to libtorch, so they run without `LD_LIBRARY_PATH`, and compiles
//! `csrc/onednn_int8.cpp`: the few lines of C++ that reach oneDNN's int8 linear kernels, which tch does not expose
//! (see `src/model/onednn.rs`). `LIBTORCH` comes from the workspace's `.cargo/config.toml` (the `.libtorch` link that
//! `scripts/setup.sh` makes); its headers are the ones the wheel ships.
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    println!("cargo:rerun-if-env-changed=LIBTORCH_CXX11_ABI");
    println!("cargo:rerun-if-changed=csrc/onednn_int8.cpp");
    // `.cargo/config.toml` always sets LIBTORCH (to the `.libtorch` link), so what can be missing is what it names.
    let root = PathBuf::from(std::env::var_os("LIBTORCH").unwrap_or_else(|| ".libtorch".into()));
    let root = root.canonicalize().unwrap_or(root);
    let header = root.join("include/ATen/ATen.h");
    if !header.is_file() {
        eprintln!(
            "nertab needs libtorch 2.4.0 and found no {}: run `bash scripts/setup.sh libtorch` in the repository \
             (it downloads the PyPI torch wheel once into ~/.cache/nertab and links it as .libtorch). The core \
             crate needs none of it: `cargo test -p nertab-core`.",
            header.display()
        );
        std::process::exit(1);
    }
    let lib = root.join("lib");
    println!("cargo:rustc-link-arg=-Wl,-rpath,{}", lib.display());
    let abi = std::env::var("LIBTORCH_CXX11_ABI").unwrap_or_else(|_| "1".into());
    cc::Build::new()
        .cpp(true)
        .std("c++17")
        .opt_level(3)
        .file("csrc/onednn_int8.cpp")
        .include(root.join("include"))
        .include(root.join("include/torch/csrc/api/include"))
        .define("_GLIBCXX_USE_CXX11_ABI", abi.as_str())
        // Lets the compiler turn the quantizing loop's clamps into vector min/max (results unchanged).
        .flag("-fno-trapping-math")
        .warnings(false)
        .compile("nertab_onednn");
    // The shim calls into libtorch: name its libraries after the static archive so the linker resolves them.
    println!("cargo:rustc-link-search=native={}", lib.display());
    println!("cargo:rustc-link-lib=dylib=torch_cpu");
    println!("cargo:rustc-link-lib=dylib=c10");
    println!("cargo:rustc-link-lib=dylib=stdc++");
}
