//! The model layer: transformer encoders as tensors, with no knowledge of documents, words or entities.
//!
//! Everything below [`crate::ner`] that is about the network itself lives here: what a model directory's
//! `config.json` says ([`config`]), the architectures nertab can run ([`Arch`]), the attention helpers both forward
//! passes share ([`attention`]), int8 quantization with fixed input ranges ([`quant`]) and the inference forward
//! pass ([`encoder`]). Training ([`crate::train`]) builds its own trainable networks over the same variable names;
//! only it names rust-bert.

pub mod attention;
pub mod config;
pub mod cpu;
pub mod encoder;
mod onednn;
pub mod quant;

use std::path::PathBuf;

use thiserror::Error;

pub use config::{Arch, ModelConfig};
pub use encoder::Encoder;
pub use quant::{ChannelRange, Ranges, RangesFile, Smoothing, RANGES_FILE};

/// What can go wrong reading or running a model. Each variant names the file or variable it concerns; the
/// underlying error is kept as the source (not repeated in the message).
#[derive(Debug, Error)]
pub enum ModelError {
    /// A file of the model directory is absent.
    #[error("{path}: missing from the model directory")]
    Missing {
        /// The file that was looked for.
        path: PathBuf,
    },
    /// A file exists but cannot be read.
    #[error("{path}: cannot read")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file cannot be written.
    #[error("{path}: cannot write")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A JSON file (config, ranges) does not parse or lacks a field.
    #[error("{path}: not a usable model file")]
    Json {
        /// The file.
        path: PathBuf,
        /// The parser's error.
        #[source]
        source: serde_json::Error,
    },
    /// `config.json` parses but says something nertab cannot use.
    #[error("{path}: {reason}")]
    Config {
        /// The config file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The weights file cannot be read as safetensors.
    #[error("{path}: cannot load the weights")]
    Weights {
        /// The weights file.
        path: PathBuf,
        /// libtorch's error.
        #[source]
        source: tch::TchError,
    },
    /// A variable the architecture needs is not among the weights.
    #[error("variable {name} missing from the model's weights")]
    Variable {
        /// The variable's Hugging Face name.
        name: String,
    },
    /// The weights have sizes that do not fit together.
    #[error("{what}: inconsistent model sizes ({reason})")]
    Shape {
        /// The part of the model.
        what: String,
        /// The sizes found.
        reason: String,
    },
    /// int8 asked for without the model's input ranges.
    #[error("{path}: int8 needs the model's input ranges; run `nertab calibrate` or use --precision fp32")]
    NoRanges {
        /// The ranges file that was looked for.
        path: PathBuf,
        /// Why it could not be read (absent, unreadable or invalid).
        #[source]
        source: Box<ModelError>,
    },
    /// An operation that needs the exact fp32 weights on a model loaded in another precision.
    #[error("a {precision} model is for inference only; load it in fp32 to calibrate it")]
    NeedsFp32 {
        /// The precision it was loaded in.
        precision: &'static str,
    },
    /// oneDNN's int8 kernel (reached through `csrc/onednn_int8.cpp`) refused or failed.
    #[error("{what}: oneDNN int8 kernel: {message}")]
    Kernel {
        /// The layer.
        what: String,
        /// libtorch's message.
        message: String,
    },
    /// libtorch failed while computing.
    #[error("libtorch")]
    Torch(#[from] tch::TchError),
    /// A precision this CPU cannot run well (it would run many times slower than fp32, or wrongly).
    #[error(transparent)]
    Unsupported(#[from] cpu::Unsupported),
}

/// Number format of the weights and activations at inference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    /// 32-bit floats (MKL).
    #[default]
    Fp32,
    /// bfloat16 weights and activations: oneDNN runs the matrix products on AVX512-BF16/AMX. Pays only on CPUs
    /// with AMX; slower than fp32 on AVX512-BF16 alone.
    Bf16,
    /// int8 linear layers (fbgemm, VNNI) with fixed calibrated input ranges, everything else fp32.
    Int8,
    /// int8 linear layers through oneDNN (AMX tiles where the CPU has them) with the same fixed input ranges and
    /// per-channel weight scales; everything else, and the layers int8 keeps out, in bf16.
    Int8Onednn,
}

impl Precision {
    /// The name used on the command line and in `--stats`.
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Fp32 => "fp32",
            Precision::Bf16 => "bf16",
            Precision::Int8 => "int8",
            Precision::Int8Onednn => "int8-onednn",
        }
    }

    /// Whether this precision runs int8 linear layers (and so needs the model's `int8_ranges.json`).
    pub fn is_int8(self) -> bool {
        matches!(self, Precision::Int8 | Precision::Int8Onednn)
    }
}
