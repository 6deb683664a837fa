//! Which precision runs fastest on this CPU: `--precision auto`.
//!
//! The same build meets different CPUs, and the fastest number format differs between them (measured on 2 cores,
//! README "Performance"): without AMX, bf16 runs on AVX512-BF16 dot products and is 1.7× *slower* than fp32, while
//! fbgemm's int8 (VNNI) is about 2× faster than fp32; with AMX (`amx_bf16`), oneDNN's bf16 tile kernels beat
//! fbgemm's int8 by about 1.3×, and oneDNN's int8 tile kernels (`amx_int8`, bf16 around them) took 0.81× bf16's
//! time on the whole BBC corpus. A path is only eligible if a sentence's result does not depend on the batch it
//! shares; since every window runs in a shape fixed by its own length ([`crate::ner::Shapes::Fixed`]), all are
//! (bitwise, tested). So: AMX → oneDNN int8 when the model has its int8 ranges, else bf16; VNNI without AMX →
//! fbgemm int8 when the model has its int8 ranges; else fp32. The CPU's features come from `/proc/cpuinfo`'s `flags`
//! line.

/// The instruction-set features the choice depends on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CpuFeatures {
    /// AMX tiles with bf16 (`amx_bf16`): Sapphire Rapids and later.
    pub amx_bf16: bool,
    /// AMX tiles with int8 (`amx_int8`).
    pub amx_int8: bool,
    /// AVX-512 VNNI or AVX-VNNI int8 dot products (`avx512_vnni`, `avx_vnni`).
    pub vnni: bool,
    /// AVX-512 bf16 dot products (`avx512_bf16`).
    pub avx512_bf16: bool,
}

impl CpuFeatures {
    /// The features of the CPU this process runs on (none known outside Linux or if `/proc/cpuinfo` is unreadable).
    pub fn detect() -> CpuFeatures {
        std::fs::read_to_string("/proc/cpuinfo").map(|s| Self::from_cpuinfo(&s)).unwrap_or_default()
    }

    /// The features named on the first `flags` line of a `/proc/cpuinfo` text.
    pub fn from_cpuinfo(cpuinfo: &str) -> CpuFeatures {
        let flags: Vec<&str> = cpuinfo
            .lines()
            .find(|l| l.starts_with("flags"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, f)| f.split_whitespace().collect())
            .unwrap_or_default();
        let has = |name: &str| flags.contains(&name);
        CpuFeatures {
            amx_bf16: has("amx_bf16"),
            amx_int8: has("amx_int8"),
            vnni: has("avx512_vnni") || has("avx_vnni"),
            avx512_bf16: has("avx512_bf16"),
        }
    }

    /// The flags that are set, as `/proc/cpuinfo` spells them, for `--stats` and reports.
    pub fn names(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        for (set, name) in [
            (self.amx_bf16, "amx_bf16"),
            (self.amx_int8, "amx_int8"),
            (self.vnni, "vnni"),
            (self.avx512_bf16, "avx512_bf16"),
        ] {
            if set {
                out.push(name);
            }
        }
        out
    }
}

/// A precision and why it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The precision to run.
    pub precision: super::Precision,
    /// One line saying why, for `--stats`.
    pub reason: String,
}

/// The fastest precision for `cpu`; `int8_ready` says whether the model has its int8 ranges.
pub fn choose(cpu: CpuFeatures, int8_ready: bool) -> Choice {
    use super::Precision::{Bf16, Fp32, Int8, Int8Onednn};
    let (precision, reason) = match (cpu.amx_bf16, cpu.vnni, int8_ready) {
        (true, _, true) if cpu.amx_int8 => {
            (Int8Onednn, "AMX: oneDNN's int8 tile kernels (bf16 around them) are the fastest path")
        }
        (true, _, false) => (Bf16, "AMX, but the model has no int8_ranges.json: oneDNN's bf16 tile kernels"),
        (true, _, true) => (Bf16, "AMX without int8 tiles: oneDNN's bf16 tile kernels are the fastest path"),
        (false, true, true) => (Int8, "VNNI, no AMX: fbgemm int8 is the fastest path"),
        (false, true, false) => (Fp32, "VNNI, but the model has no int8_ranges.json: fp32"),
        (false, false, _) => (Fp32, "no AMX, no VNNI: fp32 (MKL) is the fastest path"),
    };
    Choice { precision, reason: reason.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Precision;

    const AMX: &str = "processor : 0\nflags\t\t: fpu sse avx512f avx512_vnni avx512_bf16 amx_bf16 amx_tile amx_int8\n\
                       processor : 1\nflags : fpu";
    const VNNI: &str = "flags : fpu avx2 avx512f avx512_vnni avx512_bf16 avx512_fp16\n";

    #[test]
    fn reads_flags_and_chooses_per_cpu() {
        let amx = CpuFeatures::from_cpuinfo(AMX);
        assert_eq!(amx, CpuFeatures { amx_bf16: true, amx_int8: true, vnni: true, avx512_bf16: true });
        assert_eq!(choose(amx, true).precision, Precision::Int8Onednn);
        assert!(choose(amx, true).reason.contains("AMX"));
        assert_eq!(choose(amx, false).precision, Precision::Bf16);
        let bf16_tiles_only = CpuFeatures { amx_int8: false, ..amx };
        assert_eq!(choose(bf16_tiles_only, true).precision, Precision::Bf16);
        let vnni = CpuFeatures::from_cpuinfo(VNNI);
        assert!(!vnni.amx_bf16 && vnni.vnni && vnni.avx512_bf16);
        assert_eq!(choose(vnni, true).precision, Precision::Int8);
        assert_eq!(choose(vnni, false).precision, Precision::Fp32);
        let none = CpuFeatures::from_cpuinfo("flags : fpu sse2 avx2\n");
        assert_eq!(choose(none, true).precision, Precision::Fp32);
        assert!(choose(none, true).reason.contains("no VNNI"));
        assert!(choose(vnni, false).reason.contains("int8_ranges.json"));
        assert_eq!(CpuFeatures::from_cpuinfo(""), CpuFeatures::default());
        assert_eq!(vnni.names(), vec!["vnni", "avx512_bf16"]);
    }
}
