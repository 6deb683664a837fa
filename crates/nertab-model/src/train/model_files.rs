//! The files of a new model directory: its `config.json` (the base encoder's, plus labels and nertab's options) and
//! its `tokenizer.json`.

use std::path::Path;

use super::{TrainError, TrainOptions, LABELS};
use crate::model::ModelConfig;
use crate::ner::{CASING_CLASSES, HEADLINE_CLASS};

/// Writes `config.json` (encoder config + labels + nertab's options) and a `tokenizer.json` without truncation or
/// padding into `dir` (the model directory being made).
pub fn write_model_files(opts: &TrainOptions, dir: &Path) -> Result<(), TrainError> {
    let read_json = |p: &Path| -> Result<serde_json::Value, TrainError> {
        let raw = std::fs::read_to_string(p).map_err(|source| TrainError::Read { path: p.to_path_buf(), source })?;
        serde_json::from_str(&raw).map_err(|source| TrainError::Json { path: p.to_path_buf(), source })
    };
    let base_cfg = opts.base.join("config.json");
    let mut cfg = read_json(&base_cfg)?;
    let obj = cfg
        .as_object_mut()
        .ok_or_else(|| TrainError::Mismatch { path: base_cfg.clone(), reason: "not a JSON object".into() })?;
    let id2label: serde_json::Map<String, serde_json::Value> =
        LABELS.iter().enumerate().map(|(i, l)| (i.to_string(), (*l).into())).collect();
    let label2id: serde_json::Map<String, serde_json::Value> =
        LABELS.iter().enumerate().map(|(i, l)| ((*l).to_string(), i.into())).collect();
    obj.insert("id2label".into(), id2label.into());
    obj.insert("label2id".into(), label2id.into());
    let base_config = ModelConfig::read(&base_cfg)?;
    let arch = base_config.arch.token_classifier_name();
    obj.insert("architectures".into(), serde_json::json!([arch]));
    obj.insert("nertab_casing".into(), opts.casing.into());
    let headline = opts.headlines > 0.0;
    obj.insert("nertab_headline".into(), headline.into());
    if opts.max_len > base_config.positions() {
        let reason =
            format!("--max-len {} is more than the base's {} positions", opts.max_len, base_config.positions());
        return Err(TrainError::Mismatch { path: base_cfg.clone(), reason });
    }
    obj.insert("nertab_max_len".into(), opts.max_len.into());
    obj.insert("nertab_context".into(), opts.context.into());
    if opts.casing {
        let rows = if headline { HEADLINE_CLASS + 1 } else { CASING_CLASSES };
        obj.insert("type_vocab_size".into(), rows.into());
    }
    if let Some(layers) = &opts.layers {
        let base_layers = obj.get("num_hidden_layers").and_then(serde_json::Value::as_u64).ok_or_else(|| {
            TrainError::Mismatch { path: base_cfg.clone(), reason: "no num_hidden_layers to pick --layers from".into() }
        })?;
        if let Some(&bad) = layers.iter().find(|&&l| l as u64 >= base_layers) {
            let reason = format!("--layers names layer {bad}, but the base has {base_layers} (numbered from 0)");
            return Err(TrainError::Mismatch { path: base_cfg.clone(), reason });
        }
        obj.insert("num_hidden_layers".into(), layers.len().into());
    }
    let out_cfg = dir.join("config.json");
    let text =
        serde_json::to_string_pretty(&cfg).map_err(|source| TrainError::Json { path: out_cfg.clone(), source })?;
    std::fs::write(&out_cfg, text).map_err(|source| TrainError::Write { path: out_cfg.clone(), source })?;

    let base_tok = opts.base.join("tokenizer.json");
    let mut tok = read_json(&base_tok)?;
    if let Some(obj) = tok.as_object_mut() {
        obj.insert("truncation".into(), serde_json::Value::Null);
        obj.insert("padding".into(), serde_json::Value::Null);
    }
    let out_tok = dir.join("tokenizer.json");
    let text = serde_json::to_string(&tok).map_err(|source| TrainError::Json { path: out_tok.clone(), source })?;
    std::fs::write(&out_tok, text).map_err(|source| TrainError::Write { path: out_tok.clone(), source })?;
    Ok(())
}
