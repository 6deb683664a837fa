//! int8 linear layers through oneDNN (`--precision int8-onednn`): u8 activations at a fixed calibrated scale times
//! s8 weights with one scale per output channel, accumulated in int32, written out in bf16. On a CPU with AMX
//! (`amx_int8`) oneDNN runs these products on the tile units; elsewhere on VNNI.
//!
//! Why a second int8 path beside fbgemm's ([`super::quant`]): on the AMX machine, at the model's shapes (1,024 word
//! pieces × 384 → 1,152 / 384 / 1,536 and 1,536 → 384), fbgemm's int8 took 2.9× bf16's time for the four products
//! while oneDNN's int8 took 0.35× (0.65× with quantizing the input and a bf16 output). tch has no binding for these
//! operators, so `csrc/onednn_int8.cpp` calls them through libtorch's dispatcher.
//!
//! The input's scale and zero point come from the calibrated range ([`super::quant::Ranges`]), never from the batch,
//! and the int32 sums are exact: a sentence's result does not depend on what else is in its batch.

use std::ffi::{c_char, CStr};

use tch::{Kind, Tensor};
use torch_sys::C_tensor;

use super::{ModelError, RANGES_FILE};

extern "C" {
    fn nertab_onednn_free_error(error: *mut c_char);
    fn nertab_onednn_prepack(weight: *const C_tensor, out: *mut *mut C_tensor) -> *mut c_char;
    fn nertab_onednn_quantize(
        x: *const C_tensor,
        inverse: *const C_tensor,
        scale: f64,
        zero_point: i64,
        out: *mut *mut C_tensor,
    ) -> *mut c_char;
    #[allow(clippy::too_many_arguments)]
    fn nertab_onednn_linear(
        xq: *const C_tensor,
        x_scale: f64,
        x_zero_point: i64,
        packed: *const C_tensor,
        w_scales: *const C_tensor,
        w_zero_points: *const C_tensor,
        bias: *const C_tensor,
        gelu_uint8: bool,
        out_scale: f64,
        out_zero_point: i64,
        out: *mut *mut C_tensor,
    ) -> *mut c_char;
}

/// Turns the shim's result into a tensor or a [`ModelError`] naming the layer.
fn take(error: *mut c_char, out: *mut C_tensor, what: &str) -> Result<Tensor, ModelError> {
    if !error.is_null() {
        // SAFETY: a non-null error is a NUL-terminated string the shim allocated; it is freed once, here.
        let message = unsafe { CStr::from_ptr(error) }.to_string_lossy().into_owned();
        unsafe { nertab_onednn_free_error(error) };
        return Err(ModelError::Kernel { what: what.into(), message });
    }
    if out.is_null() {
        return Err(ModelError::Kernel { what: what.into(), message: "no tensor returned".into() });
    }
    // SAFETY: on success the shim hands over a heap-allocated at::Tensor, which tch's Tensor owns and deletes.
    Ok(unsafe { Tensor::from_ptr(out) })
}

/// A layer's weight packed for oneDNN's int8 kernel, with what the kernel needs besides (the bias stays with the
/// [`super::quant::Linear`] that owns this, as for its other kinds of weight).
pub(super) struct OnednnWeight {
    packed: Tensor,
    /// Per output channel: `max|W_row| / 127`.
    scales: Tensor,
    zero_points: Tensor,
    /// The input's fixed quantization: `x ≈ scale · (q − zero_point)`, `q` in 0..=255.
    x_scale: f64,
    x_zero_point: i64,
    /// `1 / s_j` per input channel when the layer is smoothed (the weight's columns carry `s_j`).
    inverse: Option<Tensor>,
    what: String,
}

impl OnednnWeight {
    /// Quantizes `weight` (`[out, in]`, already multiplied by any smoothing divisors) per output row and packs it;
    /// `range` is the layer's calibrated input range (after smoothing).
    pub(super) fn new(
        weight: &Tensor,
        range: (f64, f64),
        inverse: Option<Tensor>,
        what: &str,
    ) -> Result<OnednnWeight, ModelError> {
        if !(range.0.is_finite() && range.1.is_finite() && range.0 <= range.1) {
            return Err(ModelError::Shape {
                what: what.into(),
                reason: format!("input range {range:?} in {RANGES_FILE} is not a finite low..=high pair"),
            });
        }
        let w = weight.f_to_kind(Kind::Float)?.f_contiguous()?;
        // An all-zero row keeps a positive scale (its quantized entries are 0 either way).
        let scales = w.f_abs()?.f_amax(1, false)?.f_div_scalar(127.0)?.f_clamp_min(1e-12)?;
        let quantized =
            w.f_div(&scales.f_unsqueeze(1)?)?.f_round()?.f_clamp(-128, 127)?.f_to_kind(Kind::Int8)?.f_contiguous()?;
        let mut packed = std::ptr::null_mut();
        // SAFETY: `quantized` outlives the call; the shim writes `packed` only on success.
        let error = unsafe { nertab_onednn_prepack(quantized.as_ptr(), &mut packed) };
        let packed = take(error, packed, what)?;
        let zero_points = scales.f_zeros_like()?.f_to_kind(Kind::Int64)?;
        // The range must hold 0 for a zero point within 0..=255.
        let (low, high) = (range.0.min(0.0), range.1.max(0.0));
        // A zero-width range (a layer whose input was always 0) still needs a scale oneDNN can hold in f32.
        let x_scale = ((high - low) / 255.0).max(1e-8);
        let x_zero_point = ((-low / x_scale).round() as i64).clamp(0, 255);
        Ok(OnednnWeight { packed, scales, zero_points, x_scale, x_zero_point, inverse, what: what.into() })
    }

    /// `x Wᵀ + b` in bf16 over the last dimension of `x`: fp32 or bf16, quantized here at the fixed scale, or uint8
    /// already quantized at it (what [`OnednnWeight::forward_gelu_for`] gives). `bias`: fp32 `[out]`.
    pub(super) fn forward(&self, x: &Tensor, bias: &Tensor) -> Result<Tensor, ModelError> {
        self.run(x, bias, Output::Bf16)
    }

    /// `gelu(x Wᵀ + b)` as uint8 quantized at `next`'s input scale: the kernel applies GELU and quantizes its own
    /// output, so the wide feed-forward activations never exist in bf16.
    pub(super) fn forward_gelu_for(
        &self,
        x: &Tensor,
        bias: &Tensor,
        next: &OnednnWeight,
    ) -> Result<Tensor, ModelError> {
        self.run(x, bias, Output::GeluUint8 { scale: next.x_scale, zero_point: next.x_zero_point })
    }

    /// Whether this layer's input can come straight from [`OnednnWeight::forward_gelu_for`] (not when smoothed: its
    /// input must be divided per channel first).
    pub(super) fn takes_quantized(&self) -> bool {
        self.inverse.is_none()
    }

    fn run(&self, x: &Tensor, bias: &Tensor, output: Output) -> Result<Tensor, ModelError> {
        let shape = x.size();
        let inputs = shape.last().copied().unwrap_or(1).max(1);
        let flat = x.f_reshape([-1, inputs])?;
        let xq = if flat.kind() == Kind::Uint8 {
            flat
        } else {
            let mut xq = std::ptr::null_mut();
            let inverse = self.inverse.as_ref().map_or(std::ptr::null(), Tensor::as_ptr);
            // SAFETY: every tensor passed outlives the call; the shim writes `xq` only on success.
            let error =
                unsafe { nertab_onednn_quantize(flat.as_ptr(), inverse, self.x_scale, self.x_zero_point, &mut xq) };
            take(error, xq, &self.what)?
        };
        let (gelu_uint8, out_scale, out_zero_point) = match output {
            Output::Bf16 => (false, 1.0, 0),
            Output::GeluUint8 { scale, zero_point } => (true, scale, zero_point),
        };
        let mut y = std::ptr::null_mut();
        // SAFETY: as above.
        let error = unsafe {
            nertab_onednn_linear(
                xq.as_ptr(),
                self.x_scale,
                self.x_zero_point,
                self.packed.as_ptr(),
                self.scales.as_ptr(),
                self.zero_points.as_ptr(),
                bias.as_ptr(),
                gelu_uint8,
                out_scale,
                out_zero_point,
                &mut y,
            )
        };
        let y = take(error, y, &self.what)?;
        let mut out_shape = shape;
        if let Some(last) = out_shape.last_mut() {
            *last = y.size().last().copied().unwrap_or(0);
        }
        Ok(y.f_reshape(out_shape.as_slice())?)
    }
}

/// What the kernel writes: `x Wᵀ + b` in bf16, or GELU of it as uint8 at the next layer's input quantization.
#[derive(Clone, Copy)]
enum Output {
    Bf16,
    GeluUint8 { scale: f64, zero_point: i64 },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::quant::tests::values;
    use crate::model::quant::Linear;
    use crate::model::Precision;

    fn max_abs(t: &Tensor) -> f64 {
        t.f_abs().unwrap().f_max().unwrap().f_double_value(&[]).unwrap()
    }

    /// oneDNN's int8 product matches the fp32 one within int8 error, in bf16; GELU quantized by the kernel for the
    /// next layer decodes to GELU of the same product within one quantization step (plus that error); a batch
    /// split in two gives bitwise the rows of the whole (int32 sums are exact); and a mismatched input is an error
    /// that names the layer, not a crash.
    #[test]
    fn int8_product_is_close_exact_across_batches_and_errors_name_the_layer() {
        // Where this precision is refused (no AMX-INT8), its kernels are not what a user can run: skip, saying why.
        if let Err(why) = crate::model::cpu::Cpu::detect().supports(Precision::Int8Onednn) {
            eprintln!("skipped: {why}");
            return;
        }
        let (rows, inputs, outputs) = (48i64, 64i64, 32i64);
        let x = Tensor::from_slice(&values((rows * inputs) as usize, 1)).view([rows, inputs]) * 3.0;
        let w = Tensor::from_slice(&values((outputs * inputs) as usize, 2)).view([outputs, inputs]) * 0.2;
        let b = Tensor::from_slice(&values(outputs as usize, 3));
        let exact = x.linear(&w, Some(&b));
        let layer = OnednnWeight::new(&w, (-3.0, 3.0), None, "layer.0.intermediate.dense").unwrap();
        let y = layer.forward(&x, &b).unwrap();
        assert_eq!((y.kind(), y.size()), (Kind::BFloat16, vec![rows, outputs]));
        let error = max_abs(&(y.to_kind(Kind::Float) - &exact));
        assert!(
            error > 0.0 && error < 0.03 * max_abs(&exact),
            "error {error} against outputs up to {}",
            max_abs(&exact)
        );

        // The same from bf16 input, and from a 3-d input.
        let y3 = layer.forward(&x.to_kind(Kind::BFloat16).view([2, rows / 2, inputs]), &b).unwrap();
        assert_eq!(y3.size(), vec![2, rows / 2, outputs]);
        assert!(max_abs(&(y3.view([rows, outputs]).to_kind(Kind::Float) - &exact)) < 0.05 * max_abs(&exact));

        // Halves of the batch give bitwise the whole batch's rows.
        let top = layer.forward(&x.narrow(0, 0, rows / 2), &b).unwrap();
        assert!(top.equal(&y.narrow(0, 0, rows / 2)));

        // GELU, quantized for a next layer whose input range is [-0.5, 2.5].
        let next_in = (-0.5, 2.5);
        let next_w = Tensor::from_slice(&values((8 * outputs) as usize, 4)).view([8, outputs]);
        let next_b = Tensor::zeros([8], (Kind::Float, tch::Device::Cpu));
        let next = OnednnWeight::new(&next_w, next_in, None, "n").unwrap();
        let q = layer.forward_gelu_for(&x, &b, &next).unwrap();
        assert_eq!(q.kind(), Kind::Uint8);
        let decoded = (q.to_kind(Kind::Float) - next.x_zero_point as f64) * next.x_scale;
        let gelu = exact.gelu("none").clamp(-0.5, 2.5);
        let step = next.x_scale;
        assert!(max_abs(&(decoded - gelu)) < step + 0.03 * max_abs(&exact));
        // The next layer takes that uint8 as it is; through `Linear` the pair is fused only for oneDNN on both.
        assert_eq!(next.forward(&q, &next_b).unwrap().size(), vec![rows, 8]);
        let float = Linear::new(w.shallow_clone(), b.shallow_clone(), Precision::Bf16, None, "f").unwrap();
        assert!(float.forward_gelu_for(&x, &float).unwrap().is_none());

        // A range that is not low..=high is refused, naming the layer; a zero-width one works (zeros in, bias out).
        let err = OnednnWeight::new(&w, (1.0, -1.0), None, "layer.1.output.dense").err().unwrap();
        assert!(err.to_string().contains("layer.1.output.dense"), "{err}");
        let flat = OnednnWeight::new(&w, (0.0, 0.0), None, "z").unwrap();
        let zeros = flat.forward(&Tensor::zeros([2, inputs], (Kind::Float, tch::Device::Cpu)), &b).unwrap();
        assert!(max_abs(&(zeros.to_kind(Kind::Float) - b.unsqueeze(0))) < 0.02);

        // A wrong input width: an error naming the layer.
        let err = layer.forward(&Tensor::ones([4, inputs + 1], (Kind::Float, tch::Device::Cpu)), &b).err().unwrap();
        assert!(err.to_string().contains("layer.0.intermediate.dense"), "{err}");
    }
}
