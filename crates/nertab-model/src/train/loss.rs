//! The training loss: cross-entropy on gold labels, the distillation term on a teacher's distributions, and how the
//! two mix.

use tch::{Kind, Reduction, Tensor};

use super::{TrainError, LABELS};

/// The label of a position no loss reads: special tokens, padding, continuation pieces, context words and words of
/// untagged text (which only the teacher labels).
pub const IGNORE_INDEX: i64 = -100;

/// Mean cross-entropy over the gold-labelled positions of `logits` (`[positions, labels]`), or `None` when no
/// position has a gold label (a batch of untagged text alone: its mean would be NaN).
pub fn hard_loss(logits: &Tensor, labels: &[i64]) -> Result<Option<Tensor>, TrainError> {
    if !labels.iter().any(|&l| l != IGNORE_INDEX) {
        return Ok(None);
    }
    let labels = Tensor::f_from_slice(labels)?;
    Ok(Some(logits.f_cross_entropy_loss::<Tensor>(&labels, None, Reduction::Mean, IGNORE_INDEX, 0.0)?))
}

/// `T² · KL(teacher ‖ student)` at temperature `T`, averaged over the words at rows `picked` of `logits`
/// (`[positions, labels]`); `soft` holds the teacher's logits for those words, row-major. The `T²` keeps the
/// term's gradient on the scale of the hard loss's (Hinton et al.).
pub fn distillation_loss(
    logits: &Tensor,
    picked: &[i64],
    soft: &[f32],
    temperature: f64,
) -> Result<Tensor, TrainError> {
    let student = logits
        .f_index_select(0, &Tensor::f_from_slice(picked)?)?
        .f_div_scalar(temperature)?
        .f_log_softmax(-1, Kind::Float)?;
    let teacher = Tensor::f_from_slice(soft)?.f_view([-1, LABELS.len() as i64])?.f_div_scalar(temperature)?;
    let teacher = teacher.f_log_softmax(-1, Kind::Float)?;
    let kl = student.f_kl_div(&teacher, Reduction::Sum, true)?;
    Ok(kl.f_mul_scalar(temperature * temperature / picked.len() as f64)?)
}

/// `(1 − w) · hard + w · soft`, with whichever terms the batch has; `None` when it has neither.
pub fn mix(hard: Option<Tensor>, soft: Option<Tensor>, weight: f64) -> Result<Option<Tensor>, TrainError> {
    Ok(match (hard, soft) {
        (Some(hard), Some(soft)) => Some(hard.f_mul_scalar(1.0 - weight)?.f_add(&soft.f_mul_scalar(weight)?)?),
        (Some(hard), None) => Some(hard),
        (None, Some(soft)) => Some(soft.f_mul_scalar(weight)?),
        (None, None) => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// KL is zero where the student already has the teacher's distribution, and the hand-computed value otherwise.
    #[test]
    fn distillation_loss_is_kl_times_t_squared_over_words() {
        let n = LABELS.len();
        let teacher: Vec<f32> = (0..2 * n).map(|i| (i % 5) as f32 * 0.3).collect();
        let same = Tensor::from_slice(&teacher).view([2, n as i64]);
        let zero = distillation_loss(&same, &[0, 1], &teacher, 2.0).unwrap().double_value(&[]);
        assert!(zero.abs() < 1e-6, "{zero}");
        // Student uniform, teacher one-hot: KL = Σ p log(p / (1/n)) = ln n.
        let mut soft = vec![0f32; n];
        soft[0] = 0.0;
        soft[1..].iter_mut().for_each(|x| *x = -1e9);
        let uniform = Tensor::zeros([1, n as i64], (tch::Kind::Float, tch::Device::Cpu));
        let kl = distillation_loss(&uniform, &[0], &soft, 1.0).unwrap().double_value(&[]);
        assert!((kl - (n as f64).ln()).abs() < 1e-5, "{kl}");
        // Rows are picked by index: row 1 of a two-row batch.
        let batch = Tensor::cat(&[same.narrow(0, 0, 1) + 5.0, uniform.shallow_clone()], 0);
        let kl = distillation_loss(&batch, &[1], &soft, 1.0).unwrap().double_value(&[]);
        assert!((kl - (n as f64).ln()).abs() < 1e-5, "{kl}");
    }

    #[test]
    fn hard_loss_ignores_unlabelled_positions_and_mix_weighs() {
        let logits = Tensor::zeros([2, LABELS.len() as i64], (tch::Kind::Float, tch::Device::Cpu));
        assert!(hard_loss(&logits, &[IGNORE_INDEX, IGNORE_INDEX]).unwrap().is_none());
        let h = hard_loss(&logits, &[0, IGNORE_INDEX]).unwrap().unwrap().double_value(&[]);
        assert!((h - (LABELS.len() as f64).ln()).abs() < 1e-5, "{h}");
        let one = || Some(Tensor::from(1.0f32));
        let m = mix(one(), Some(Tensor::from(3.0f32)), 0.25).unwrap().unwrap().double_value(&[]);
        assert!((m - 1.5).abs() < 1e-6, "{m}");
        assert!(mix(None, None, 0.5).unwrap().is_none());
    }
}
