//! The trainable networks and their weights: rust-bert's `BertForTokenClassification` for BERT, nertab's MPNet
//! ([`super::mpnet`]), both over a `VarStore` whose variable names are Hugging Face's, so the inference encoder
//! ([`crate::model::Encoder`]) reads what training writes.

use std::collections::HashMap;
use std::path::Path;

use rust_bert::bert::{BertConfig, BertForTokenClassification};
use tch::{nn, Kind, Tensor};

use super::mpnet::MpnetForTokenClassification;
use super::TrainError;
use crate::model::{Arch, ModelConfig};
use crate::ner::{CAPITALIZED, CASING_CLASSES, HEADLINE_CLASS};

/// A trainable token classifier.
pub enum Net {
    /// rust-bert's BERT (also MiniLM).
    Bert(BertForTokenClassification),
    /// nertab's MPNet.
    Mpnet(MpnetForTokenClassification),
}

impl Net {
    /// Creates the network's variables under `p`, as `config` describes.
    pub fn new(p: nn::Path, config: &ModelConfig) -> Result<Net, TrainError> {
        Ok(match config.arch {
            Arch::Bert => Net::Bert(
                BertForTokenClassification::new(p, &bert_config(config)?)
                    .map_err(|source| TrainError::Network { path: config.path.clone(), source })?,
            ),
            Arch::Mpnet { buckets } => Net::Mpnet(MpnetForTokenClassification::new(p, config, buckets, config.casing)),
        })
    }

    /// Logits `[rows, width, labels]`; dropout when `train`.
    pub fn forward_t(&self, ids: &Tensor, mask: &Tensor, types: &Tensor, train: bool) -> Result<Tensor, TrainError> {
        Ok(match self {
            Net::Bert(m) => m.forward_t(Some(ids), Some(mask), Some(types), None, None, train).logits,
            Net::Mpnet(m) => m.forward_t(ids, mask, types, train)?,
        })
    }
}

/// rust-bert's view of a BERT config, from the same `config.json` the model layer read.
pub fn bert_config(config: &ModelConfig) -> Result<BertConfig, TrainError> {
    let raw = std::fs::read_to_string(&config.path)
        .map_err(|source| TrainError::Read { path: config.path.clone(), source })?;
    serde_json::from_str(&raw).map_err(|source| TrainError::Json { path: config.path.clone(), source })
}

/// Copies the encoder's weights into the model's variables. Hugging Face names may lack the `bert.` (`mpnet.`)
/// prefix; a token-type table with more rows than the encoder's gets the encoder's row 0 in every row, and MPNet,
/// which has none, keeps the zero table it was created with. Every other encoder variable must be found. The
/// classifier starts fresh, unless the base is a trained nertab model (it has a `classifier` of the same shape):
/// then training continues from it, as a second stage with other options (e.g. `--context`). With `layers`, the
/// network's layer `i` is the base's layer `layers[i]` and the base's other layers are left out: a shallower
/// student that starts from a deeper model's weights.
pub fn init_from_encoder(
    vs: &nn::VarStore,
    arch: Arch,
    path: &Path,
    layers: Option<&[usize]>,
) -> Result<(), TrainError> {
    let prefix = arch.prefix();
    let mismatch = |reason: String| TrainError::Mismatch { path: path.to_path_buf(), reason };
    let base: HashMap<String, Tensor> = Tensor::read_safetensors(path)
        .map_err(|source| TrainError::Weights { path: path.to_path_buf(), source })?
        .into_iter()
        .filter_map(|(n, t)| {
            let keep = n.starts_with(&format!("{prefix}.")) || n.starts_with("classifier.");
            let n = if keep { n } else { format!("{prefix}.{n}") };
            Some((renumber_layer(&n, prefix, layers)?, t))
        })
        .collect();
    tch::no_grad(|| -> Result<(), TrainError> {
        let continued = base.contains_key("classifier.weight");
        for (name, mut var) in vs.variables() {
            if !name.starts_with(&format!("{prefix}.")) && !continued {
                continue;
            }
            let types = name.ends_with("token_type_embeddings.weight");
            if matches!(arch, Arch::Mpnet { .. }) && types && !base.contains_key(&name) {
                continue;
            }
            let src = base.get(&name).ok_or_else(|| mismatch(format!("no tensor for {name}")))?;
            let src = src.to_kind(var.kind());
            if src.size() == var.size() {
                var.f_copy_(&src)?;
            } else if types && src.size() == [CASING_CLASSES, var.size()[1]] && var.size()[0] == HEADLINE_CLASS + 1 {
                // A casing model gaining the headline class: that row starts as the Capitalized one.
                var.f_copy_(&Tensor::f_cat(&[&src, &src.f_narrow(0, CAPITALIZED, 1)?], 0)?)?;
            } else if types && src.size()[1..] == var.size()[1..] {
                let row = src.f_get(0)?;
                var.f_copy_(&row.f_unsqueeze(0)?.f_expand_as(&var)?)?;
            } else {
                return Err(mismatch(format!("{name}: shape {:?}, model wants {:?}", src.size(), var.size())));
            }
        }
        Ok(())
    })
}

/// `name` under the network's layer numbering: a tensor of base layer `k` becomes layer `i` where `layers[i] == k`,
/// and `None` when `layers` leaves base layer `k` out. Names outside `….encoder.layer.N.` are kept as they are.
fn renumber_layer(name: &str, prefix: &str, layers: Option<&[usize]>) -> Option<String> {
    let Some(layers) = layers else { return Some(name.to_string()) };
    let head = format!("{prefix}.encoder.layer.");
    let Some(rest) = name.strip_prefix(&head) else { return Some(name.to_string()) };
    let (number, tail) = rest.split_once('.')?;
    let k: usize = number.parse().ok()?;
    let i = layers.iter().position(|&l| l == k)?;
    Some(format!("{head}{i}.{tail}"))
}

/// Saves every variable as fp16 safetensors.
pub fn save_fp16(vs: &nn::VarStore, path: &Path) -> Result<(), TrainError> {
    let mut named: Vec<(String, Tensor)> =
        vs.variables().into_iter().map(|(n, t)| (n, t.to_kind(Kind::Half))).collect();
    named.sort_by(|a, b| a.0.cmp(&b.0));
    Tensor::write_safetensors(&named, path).map_err(|source| TrainError::Weights { path: path.to_path_buf(), source })
}

/// The training network loaded from a model directory, in eval mode: the reference the inference encoder
/// ([`crate::model::Encoder`]) is tested against, since both must compute the same function.
pub struct Reference {
    _vs: nn::VarStore,
    net: Net,
}

impl Reference {
    /// Builds the network `config.json` describes and loads `model.safetensors` into it (widened to fp32).
    pub fn load(dir: &Path) -> Result<Reference, TrainError> {
        let config = ModelConfig::read(&dir.join("config.json"))?;
        let mut vs = nn::VarStore::new(tch::Device::Cpu);
        let net = Net::new(vs.root(), &config)?;
        let weights = dir.join("model.safetensors");
        vs.load(&weights).map_err(|source| TrainError::Weights { path: weights, source })?;
        vs.float();
        Ok(Reference { _vs: vs, net })
    }

    /// fp32 logits `[rows, width, labels]`, without dropout or gradients.
    pub fn forward(&self, ids: &Tensor, mask: &Tensor, types: &Tensor) -> Result<Tensor, TrainError> {
        tch::no_grad(|| self.net.forward_t(ids, mask, types, false))
    }
}

#[cfg(test)]
mod tests {
    use super::renumber_layer;

    #[test]
    fn picked_layers_are_renumbered_and_the_rest_left_out() {
        let picked: &[usize] = &[0, 2, 5];
        let name = |n: &str| renumber_layer(n, "bert", Some(picked));
        assert_eq!(
            name("bert.encoder.layer.0.output.dense.weight").as_deref(),
            Some("bert.encoder.layer.0.output.dense.weight")
        );
        assert_eq!(
            name("bert.encoder.layer.2.output.dense.weight").as_deref(),
            Some("bert.encoder.layer.1.output.dense.weight")
        );
        assert_eq!(
            name("bert.encoder.layer.5.attention.self.query.bias").as_deref(),
            Some("bert.encoder.layer.2.attention.self.query.bias")
        );
        assert_eq!(name("bert.encoder.layer.1.output.dense.weight"), None);
        assert_eq!(name("bert.encoder.layer.12.output.dense.weight"), None);
        assert_eq!(
            name("bert.embeddings.word_embeddings.weight").as_deref(),
            Some("bert.embeddings.word_embeddings.weight")
        );
        assert_eq!(name("classifier.weight").as_deref(), Some("classifier.weight"));
        assert_eq!(renumber_layer("bert.encoder.layer.3.x", "bert", None).as_deref(), Some("bert.encoder.layer.3.x"));
    }
}
