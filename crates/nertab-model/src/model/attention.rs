//! Attention helpers shared by the inference encoder and the trainable networks: the padding mask as an additive
//! bias, and MPNet's relative position bias.

use tch::{Kind, TchError, Tensor};

/// Largest distance MPNet's relative position buckets tell apart (Hugging Face's default).
const MAX_DISTANCE: i64 = 128;

/// The additive attention mask `[rows, 1, 1, width]` for a `[rows, width]` mask (1 = real piece): 0 for real pieces,
/// a large negative for padding.
pub fn mask_bias(mask: &Tensor, kind: Kind) -> Result<Tensor, TchError> {
    let size = mask.size();
    let (rows, width) = (size.first().copied().unwrap_or(1), size.last().copied().unwrap_or(1));
    mask.f_to_kind(kind)?.f_sub_scalar(1.0)?.f_mul_scalar(10000.0)?.f_view([rows, 1, 1, width])
}

/// The distance bucket of `relative = key position − query position`, as Hugging Face's
/// `MPNetEncoder.relative_position_bucket`: half the buckets per direction, exact below a quarter of them, then
/// logarithmic up to `MAX_DISTANCE` (128).
pub fn relative_bucket(relative: i64, buckets: i64) -> i64 {
    let half = buckets / 2;
    let n = -relative;
    let mut bucket = if n < 0 { half } else { 0 };
    let n = n.abs();
    let exact = half / 2;
    if n < exact {
        return bucket + n;
    }
    let scaled = ((n as f32 / exact as f32).ln() / (MAX_DISTANCE as f32 / exact as f32).ln()) * (half - exact) as f32;
    bucket += (exact + scaled as i64).min(half - 1);
    bucket
}

/// The attention bias `[1, heads, width, width]` from the bias table `[buckets, heads]`: the same for every row and
/// layer, so it is computed once per forward pass.
pub fn position_bias(table: &Tensor, width: i64) -> Result<Tensor, TchError> {
    let buckets = table.size().first().copied().unwrap_or(1);
    let ids: Vec<i64> = (0..width).flat_map(|q| (0..width).map(move |k| relative_bucket(k - q, buckets))).collect();
    let ids = Tensor::f_from_slice(&ids)?.f_view([width, width])?.f_to_device(table.device())?;
    Tensor::f_embedding(table, &ids, -1, false, false)?.f_permute([2, 0, 1])?.f_unsqueeze(0)
}

#[cfg(test)]
mod tests {
    use super::relative_bucket;

    /// Values of Hugging Face's `relative_position_bucket(num_buckets=32, max_distance=128)`, worked by hand:
    /// distances below 8 are exact, keys before the query land in the upper half, the log part saturates at 15.
    #[test]
    fn buckets_match_hugging_face() {
        let cases = [(0, 0), (-1, 1), (-7, 7), (1, 17), (7, 23), (-8, 8), (-11, 8), (-12, 9), (-16, 10), (-32, 12)];
        for (relative, want) in cases {
            assert_eq!(relative_bucket(relative, 32), want, "relative {relative}");
        }
        assert_eq!(relative_bucket(-64, 32), 14);
        assert_eq!(relative_bucket(-127, 32), 15);
        assert_eq!(relative_bucket(-1000, 32), 15);
        assert_eq!(relative_bucket(1000, 32), 31);
    }
}
