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

/// Number format of the weights and activations at inference; `--precision`'s values (with `auto`:
/// [`AskedPrecision`]). The `help` attributes are what `--help` shows, the doc comments are for readers of the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Precision {
    /// 32-bit floats (MKL).
    #[default]
    #[value(help = None)]
    Fp32,
    /// bfloat16 weights and activations: oneDNN runs the matrix products on AVX512-BF16/AMX. Pays only on CPUs
    /// with AMX; slower than fp32 on AVX512-BF16 alone.
    #[value(help = None)]
    Bf16,
    /// int8 linear layers (fbgemm, VNNI) with fixed calibrated input ranges, everything else fp32.
    #[value(help = None)]
    Int8,
    /// int8 linear layers through oneDNN (AMX tiles where the CPU has them) with the same fixed input ranges and
    /// per-channel weight scales; everything else, and the layers int8 keeps out, in bf16.
    #[value(help = "int8 through oneDNN (AMX tiles where the CPU has them), bf16 around it")]
    Int8Onednn,
}

/// What `--precision` asks for: one [`Precision`], or `auto`, which [`cpu::choose`] resolves for the CPU and model.
///
/// ```
/// use clap::ValueEnum;
/// use nertab_model::model::{AskedPrecision, Precision};
///
/// assert_eq!(AskedPrecision::from_str("auto", false), Ok(AskedPrecision::Auto));
/// assert_eq!(AskedPrecision::from_str("int8-onednn", false), Ok(AskedPrecision::Fixed(Precision::Int8Onednn)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AskedPrecision {
    /// The fastest batch-independent precision for this CPU and model.
    #[default]
    Auto,
    /// This precision (refused, before the model loads, where the CPU cannot run it well: [`cpu::Cpu::supports`]).
    Fixed(Precision),
}

impl AskedPrecision {
    /// The precision named, or `None` for `auto`.
    pub fn fixed(self) -> Option<Precision> {
        match self {
            AskedPrecision::Auto => None,
            AskedPrecision::Fixed(p) => Some(p),
        }
    }
}

/// `auto`, then [`Precision`]'s own values, names and help.
impl clap::ValueEnum for AskedPrecision {
    fn value_variants<'a>() -> &'a [Self] {
        static ALL: std::sync::OnceLock<Vec<AskedPrecision>> = std::sync::OnceLock::new();
        ALL.get_or_init(|| {
            std::iter::once(AskedPrecision::Auto)
                .chain(Precision::value_variants().iter().copied().map(AskedPrecision::Fixed))
                .collect()
        })
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        match self {
            AskedPrecision::Auto => Some(
                clap::builder::PossibleValue::new("auto")
                    .help("The fastest batch-independent path for this CPU and model (see docs/performance.md)"),
            ),
            AskedPrecision::Fixed(p) => p.to_possible_value(),
        }
    }
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

#[cfg(test)]
mod tests {
    use clap::ValueEnum;

    use super::{AskedPrecision, Precision};

    /// `--precision`'s values are the names `--stats` and the refusals print, `auto` first.
    #[test]
    fn precision_values_are_the_printed_names() {
        let names: Vec<String> =
            AskedPrecision::value_variants().iter().map(|v| v.to_possible_value().unwrap().get_name().into()).collect();
        assert_eq!(names, ["auto", "fp32", "bf16", "int8", "int8-onednn"]);
        for p in Precision::value_variants() {
            assert_eq!(Precision::from_str(p.as_str(), false), Ok(*p));
            assert_eq!(AskedPrecision::from_str(p.as_str(), false).map(AskedPrecision::fixed), Ok(Some(*p)));
        }
        assert_eq!(AskedPrecision::from_str("auto", false), Ok(AskedPrecision::Auto));
    }
}
