//! What this CPU can run well: `--precision auto`, and the refusal of a precision that would only crawl.
//!
//! The same build meets different CPUs, and the fastest number format differs between them (measured on 2 cores,
//! docs/performance.md):
//! - with AMX (`amx_int8`, `amx_bf16`), oneDNN's int8 and bf16 tile kernels are the fastest paths;
//! - with AVX-512 VNNI or AVX-VNNI but no AMX, fbgemm's int8 is about 2× faster than fp32, while bf16 (emulated, or
//!   on AVX512-BF16 dot products) is 1.7× *slower* than fp32;
//! - with AVX2 only, fbgemm's int8 runs on `vpmaddubsw`, whose 16-bit pair sums saturate for full-range u8 × s8
//!   products; nertab then quantizes the weights to 7 bits ([`Int8Scheme::Reduced`]), which cannot saturate, and
//!   int8 is still the fastest accurate path; oneDNN's int8 (without AVX-512 VNNI) and bf16 (without AMX) fall
//!   back to kernels many times slower than fp32 and are refused.
//!
//! The features are read from CPUID (`is_x86_feature_detected!`), which is what the kernels themselves ask: an
//! emulated CPU (`qemu-x86_64 -cpu Haswell`) changes both alike. oneDNN also obeys `ONEDNN_MAX_CPU_ISA`, so the
//! oneDNN paths (bf16, int8-onednn) are judged on the features under that cap ([`Cpu::onednn`]); fbgemm has no cap.
//!
//! A path is only eligible if a sentence's result does not depend on the batch it shares; since every window runs
//! in a shape fixed by its own length ([`crate::ner::Shapes::Fixed`]), all are (bitwise, tested).

use std::fmt;

use super::Precision;

/// The instruction-set features the choice depends on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CpuFeatures {
    /// AVX2 with FMA: what fbgemm's and MKL's vector kernels need.
    pub avx2: bool,
    /// AVX-512 (F, BW, VL, DQ): oneDNN's `avx512_core`.
    pub avx512: bool,
    /// AVX-512 VNNI or AVX-VNNI int8 dot products that sum in 32 bits (`avx512_vnni`, `avx_vnni`).
    pub vnni: bool,
    /// AVX-512 bf16 dot products (`avx512_bf16`).
    pub avx512_bf16: bool,
    /// AMX tiles with bf16 (`amx_bf16`): Sapphire Rapids and later.
    pub amx_bf16: bool,
    /// AMX tiles with int8 (`amx_int8`).
    pub amx_int8: bool,
}

impl CpuFeatures {
    /// The features of the CPU this process runs on, from CPUID (none outside x86-64).
    pub fn detect() -> CpuFeatures {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::is_x86_feature_detected as has;
            let (amx_bf16, amx_int8) = amx();
            CpuFeatures {
                avx2: has!("avx2") && has!("fma"),
                avx512: has!("avx512f") && has!("avx512bw") && has!("avx512vl") && has!("avx512dq"),
                vnni: has!("avx512vnni") || has!("avxvnni"),
                avx512_bf16: has!("avx512bf16"),
                amx_bf16,
                amx_int8,
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        CpuFeatures::default()
    }

    /// The flags that are set, as `/proc/cpuinfo` spells them, for `--stats` and reports.
    pub fn names(&self) -> Vec<&'static str> {
        [
            (self.avx2, "avx2"),
            (self.avx512, "avx512"),
            (self.vnni, "vnni"),
            (self.avx512_bf16, "avx512_bf16"),
            (self.amx_bf16, "amx_bf16"),
            (self.amx_int8, "amx_int8"),
        ]
        .into_iter()
        .filter_map(|(set, name)| set.then_some(name))
        .collect()
    }

    /// These features as oneDNN uses them under `ONEDNN_MAX_CPU_ISA=cap` (oneDNN's names, any case: `AVX2`,
    /// `AVX2_VNNI`, `AVX512_CORE`, `AVX512_CORE_VNNI`, `AVX512_CORE_BF16`, `AVX512_CORE_AMX`, `ALL`, …). An unknown
    /// or empty value leaves them as they are, as oneDNN does.
    pub fn under_onednn_cap(self, cap: &str) -> CpuFeatures {
        let cap = cap.trim().to_ascii_uppercase();
        // Each level of oneDNN's ladder and what it allows beyond the one below.
        let level = match cap.as_str() {
            "SSE41" | "AVX" => 0,
            "AVX2" => 1,
            "AVX2_VNNI" | "AVX2_VNNI_2" => 2,
            "AVX512_CORE" => 3,
            "AVX512_CORE_VNNI" => 4,
            "AVX512_CORE_BF16" | "AVX512_CORE_FP16" => 5,
            _ => return self, // ALL, DEFAULT, AVX512_CORE_AMX*, AVX10_*, unknown: no cap
        };
        CpuFeatures {
            avx2: self.avx2 && level >= 1,
            avx512: self.avx512 && level >= 3,
            vnni: self.vnni && (level == 2 || level >= 4),
            avx512_bf16: self.avx512_bf16 && level >= 5,
            amx_bf16: false,
            amx_int8: false,
        }
    }
}

/// AMX with bf16 and with int8 tiles: CPUID leaf 7 (EDX bits 22, 24, 25) and tile state enabled by the OS (XCR0
/// bits 17 and 18). `is_x86_feature_detected!` cannot ask for AMX on stable Rust.
#[cfg(target_arch = "x86_64")]
fn amx() -> (bool, bool) {
    use std::arch::x86_64::{__cpuid_count, _xgetbv};

    #[target_feature(enable = "xsave")]
    unsafe fn xcr0() -> u64 {
        _xgetbv(0)
    }

    if !std::arch::is_x86_feature_detected!("xsave") || __cpuid_count(0, 0).eax < 7 {
        return (false, false);
    }
    let edx = __cpuid_count(7, 0).edx;
    // SAFETY: XGETBV is available: the OS has enabled XSAVE (checked just above).
    let tiles_enabled = unsafe { xcr0() } & (0b11 << 17) == 0b11 << 17;
    let tile = tiles_enabled && edx & (1 << 24) != 0;
    (tile && edx & (1 << 22) != 0, tile && edx & (1 << 25) != 0)
}

/// The CPU as each family of kernels sees it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cpu {
    /// CPUID: what fbgemm and the reduced-range decision see.
    pub features: CpuFeatures,
    /// What oneDNN uses: the features under `ONEDNN_MAX_CPU_ISA`, if that is set.
    pub onednn: CpuFeatures,
}

impl Cpu {
    /// This process's CPU (CPUID, and `ONEDNN_MAX_CPU_ISA` as oneDNN reads it at start-up).
    pub fn detect() -> Cpu {
        Cpu::with_onednn_cap(CpuFeatures::detect(), std::env::var("ONEDNN_MAX_CPU_ISA").ok().as_deref())
    }

    /// A CPU with these features whose oneDNN runs under `cap` (`None`: no cap).
    pub fn with_onednn_cap(features: CpuFeatures, cap: Option<&str>) -> Cpu {
        Cpu { features, onednn: cap.map_or(features, |c| features.under_onednn_cap(c)) }
    }

    /// How int8 weights are quantized for fbgemm on this CPU.
    pub fn int8_scheme(&self) -> Int8Scheme {
        if self.features.vnni {
            Int8Scheme::Full
        } else {
            Int8Scheme::Reduced
        }
    }

    /// Whether `precision` runs well here (within 1.5× of fp32's time, measured per CPU kind in docs/performance.md); if not,
    /// which feature it lacks and what to use instead.
    pub fn supports(&self, precision: Precision) -> Result<(), Unsupported> {
        let instead = if self.features.avx2 { Precision::Int8 } else { Precision::Fp32 };
        let missing = match precision {
            Precision::Fp32 => return Ok(()),
            Precision::Int8 if self.features.avx2 => return Ok(()),
            Precision::Int8 => "AVX2 with FMA (fbgemm's int8 kernels)",
            Precision::Bf16 if self.onednn.amx_bf16 => return Ok(()),
            Precision::Bf16 => "AMX-BF16 (amx_bf16); without it oneDNN's bf16 runs slower than fp32",
            Precision::Int8Onednn if self.onednn.amx_int8 || (self.onednn.avx512 && self.onednn.vnni) => return Ok(()),
            Precision::Int8Onednn => {
                "AMX-INT8 (amx_int8) or AVX-512 VNNI (avx512_vnni); without them oneDNN's int8 falls back to kernels \
                 many times slower than fp32"
            }
        };
        // Only int8 itself can be refused where int8 is the alternative, and that is a CPU without AVX2.
        let instead = if precision == instead { Precision::Fp32 } else { instead };
        Err(Unsupported { precision, missing, instead, seen: self.describe() })
    }

    /// One line naming the flags seen, with oneDNN's cap when it hides some, for `--stats` and refusals.
    pub fn describe(&self) -> String {
        let mut flags = self.features.names().join(" ");
        if flags.is_empty() {
            flags = "none of avx2, avx512, vnni, avx512_bf16, amx_bf16, amx_int8".into();
        }
        if self.onednn != self.features {
            let capped = self.onednn.names().join(" ");
            flags += &format!(
                "; oneDNN capped by ONEDNN_MAX_CPU_ISA to: {}",
                if capped.is_empty() { "none" } else { &capped }
            );
        }
        flags
    }
}

/// How fbgemm's int8 weights are quantized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Int8Scheme {
    /// 8-bit weights (−127..=127): exact on VNNI, whose dot products sum in 32 bits.
    Full,
    /// 7-bit weights (−63..=63), one scale per output row: a u8 × s8 pair sum then stays below 2¹⁵
    /// (255 · 63 · 2 = 32,130), so AVX2's saturating `vpmaddubsw` computes it exactly too, as VNNI does.
    Reduced,
}

impl Int8Scheme {
    /// The scheme for this process's CPU ([`Cpu::int8_scheme`]). `NERTAB_INT8_WEIGHTS=7` asks for
    /// [`Int8Scheme::Reduced`] on any CPU: its integer products are exact everywhere, so a VNNI machine computes what
    /// an AVX2-only one does, which is how its accuracy is measured (docs/performance.md, "Every CPU"). There is no way to ask for
    /// 8-bit weights where they would saturate.
    pub fn for_this_cpu() -> Int8Scheme {
        match std::env::var("NERTAB_INT8_WEIGHTS").as_deref() {
            Ok("7") => Int8Scheme::Reduced,
            Ok(other) => {
                tracing::warn!("NERTAB_INT8_WEIGHTS={other:?} ignored: only 7 can be asked for");
                Cpu::detect().int8_scheme()
            }
            Err(_) => Cpu::detect().int8_scheme(),
        }
    }

    /// The largest quantized weight magnitude.
    pub fn max_weight(self) -> f64 {
        match self {
            Int8Scheme::Full => 127.0,
            Int8Scheme::Reduced => 63.0,
        }
    }
}

/// A precision this CPU cannot run well: what it lacks and what to use instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    /// The precision asked for.
    pub precision: Precision,
    /// The missing CPU feature, and why it matters.
    pub missing: &'static str,
    /// The fastest precision this CPU does run well.
    pub instead: Precision,
    /// The CPU flags seen.
    pub seen: String,
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "--precision {} needs {}; use --precision {} (or auto) on this CPU [CPU flags: {}]",
            self.precision.as_str(),
            self.missing,
            self.instead.as_str(),
            self.seen
        )
    }
}

impl std::error::Error for Unsupported {}

/// A precision and why it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The precision to run.
    pub precision: Precision,
    /// One line saying why, for `--stats`.
    pub reason: String,
}

/// The fastest accurate precision for `cpu`; `int8_ready` says whether the model has its int8 ranges.
pub fn choose(cpu: &Cpu, int8_ready: bool) -> Choice {
    use Precision::{Bf16, Fp32, Int8, Int8Onednn};
    let f = cpu.features;
    let (precision, reason) = if cpu.onednn.amx_int8 && cpu.onednn.amx_bf16 && int8_ready {
        (Int8Onednn, "AMX: oneDNN's int8 tile kernels (bf16 around them) are the fastest path")
    } else if cpu.onednn.amx_bf16 {
        (
            Bf16,
            if int8_ready {
                "AMX without int8 tiles: oneDNN's bf16 tile kernels are the fastest path"
            } else {
                "AMX, but the model has no int8_ranges.json: oneDNN's bf16 tile kernels"
            },
        )
    } else if f.avx2 && int8_ready {
        (
            Int8,
            if f.vnni {
                "VNNI, no AMX: fbgemm int8 is the fastest path"
            } else {
                "AVX2 without VNNI or AMX: fbgemm int8 with 7-bit weights (no saturation) is the fastest path"
            },
        )
    } else if f.avx2 {
        (Fp32, "no AMX, and the model has no int8_ranges.json: fp32")
    } else {
        (Fp32, "no AVX2: fp32 is the only fast path")
    };
    Choice { precision, reason: reason.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Precision::{Bf16, Fp32, Int8, Int8Onednn};

    const AMX: CpuFeatures =
        CpuFeatures { avx2: true, avx512: true, vnni: true, avx512_bf16: true, amx_bf16: true, amx_int8: true };
    const VNNI: CpuFeatures = CpuFeatures { amx_bf16: false, amx_int8: false, avx512_bf16: false, ..AMX };
    const AVX2: CpuFeatures = CpuFeatures { avx2: true, ..default() };

    const fn default() -> CpuFeatures {
        CpuFeatures { avx2: false, avx512: false, vnni: false, avx512_bf16: false, amx_bf16: false, amx_int8: false }
    }

    fn cpu(f: CpuFeatures) -> Cpu {
        Cpu::with_onednn_cap(f, None)
    }

    #[test]
    fn auto_picks_per_cpu_kind() {
        assert_eq!(choose(&cpu(AMX), true).precision, Int8Onednn);
        assert_eq!(choose(&cpu(AMX), false).precision, Bf16);
        assert_eq!(choose(&cpu(CpuFeatures { amx_int8: false, ..AMX }), true).precision, Bf16);
        assert_eq!(choose(&cpu(VNNI), true).precision, Int8);
        assert_eq!(choose(&cpu(VNNI), false).precision, Fp32);
        let avx2 = choose(&cpu(AVX2), true);
        assert_eq!(avx2.precision, Int8);
        assert!(avx2.reason.contains("7-bit"), "{}", avx2.reason);
        assert_eq!(choose(&cpu(AVX2), false).precision, Fp32);
        assert_eq!(choose(&cpu(default()), true).precision, Fp32);
        // What auto picks is always a precision the CPU runs well.
        for f in [AMX, VNNI, AVX2, default(), CpuFeatures { amx_int8: false, ..AMX }] {
            for ready in [true, false] {
                let c = cpu(f);
                assert_eq!(c.supports(choose(&c, ready).precision), Ok(()), "{f:?}");
            }
        }
    }

    #[test]
    fn slow_precisions_are_refused_naming_the_feature_and_the_alternative() {
        let err = cpu(VNNI).supports(Bf16).unwrap_err();
        assert_eq!(err.instead, Int8);
        let msg = err.to_string();
        assert!(msg.contains("amx_bf16") && msg.contains("--precision int8") && msg.contains("vnni"), "{msg}");
        let err = cpu(AVX2).supports(Int8Onednn).unwrap_err().to_string();
        assert!(err.contains("amx_int8") && err.contains("avx512_vnni") && err.contains("--precision int8"), "{err}");
        assert_eq!(cpu(VNNI).supports(Int8Onednn), Ok(()));
        assert_eq!(cpu(AVX2).supports(Int8), Ok(()));
        let err = cpu(default()).supports(Int8).unwrap_err();
        assert_eq!(err.instead, Fp32);
        assert!(err.to_string().contains("AVX2"));
        for f in [AMX, VNNI, AVX2, default()] {
            assert_eq!(cpu(f).supports(Fp32), Ok(()));
        }
        assert_eq!(cpu(AMX).supports(Bf16), Ok(()));
        assert_eq!(cpu(AMX).supports(Int8Onednn), Ok(()));
    }

    #[test]
    fn onednn_cap_hides_features_from_the_onednn_paths_only() {
        let capped = Cpu::with_onednn_cap(AMX, Some("avx2"));
        assert_eq!(capped.onednn, AVX2);
        assert_eq!(capped.features, AMX);
        // fbgemm has no cap: int8 keeps its full scheme; oneDNN's paths are refused.
        assert_eq!(choose(&capped, true).precision, Int8);
        assert_eq!(capped.int8_scheme(), Int8Scheme::Full);
        let err = capped.supports(Bf16).unwrap_err().to_string();
        assert!(err.contains("ONEDNN_MAX_CPU_ISA"), "{err}");
        assert_eq!(Cpu::with_onednn_cap(AMX, Some("AVX512_CORE_VNNI")).onednn, VNNI);
        assert_eq!(
            Cpu::with_onednn_cap(AMX, Some("AVX512_CORE_BF16")).onednn,
            CpuFeatures { avx512_bf16: true, ..VNNI }
        );
        assert_eq!(Cpu::with_onednn_cap(AMX, Some("ALL")).onednn, AMX);
        assert_eq!(Cpu::with_onednn_cap(AMX, Some("nonsense")).onednn, AMX);
        assert_eq!(Cpu::with_onednn_cap(AVX2, Some("AVX512_CORE")).onednn, AVX2);
    }

    #[test]
    fn int8_scheme_follows_vnni() {
        assert_eq!(cpu(VNNI).int8_scheme(), Int8Scheme::Full);
        assert_eq!(cpu(AVX2).int8_scheme(), Int8Scheme::Reduced);
        // A reduced pair sum of two full-range u8 inputs fits vpmaddubsw's signed 16 bits; a full one does not.
        let pair = |w: f64| 2.0 * 255.0 * w;
        assert!(pair(Int8Scheme::Reduced.max_weight()) <= i16::MAX as f64);
        assert!(pair(Int8Scheme::Full.max_weight()) > i16::MAX as f64);
    }

    /// CPUID and the features the kernels see agree: on x86-64 with AVX2 the detection says so.
    #[test]
    fn detects_this_cpu_from_cpuid() {
        let f = CpuFeatures::detect();
        #[cfg(target_arch = "x86_64")]
        assert_eq!(f.avx2, std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma"));
        assert!(!f.amx_int8 || f.avx512, "{f:?}");
        eprintln!("this CPU: {}", cpu(f).describe());
    }
}
