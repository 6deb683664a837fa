//! The optimisation loop: a [`Trainer`] owns the trainable network, its variables and the optimiser, and runs
//! [`Trainer::step`] over a batch and [`Trainer::epoch`] over the training set.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use tch::nn::{self, OptimizerConfig};
use tch::Device;

use super::data::TrainingSet;
use super::loss::{distillation_loss, hard_loss, mix, IGNORE_INDEX};
use super::net::{init_from_encoder, save_fp16, Net};
use super::{TrainError, TrainOptions, LABELS};
use crate::model::{ModelConfig, Precision};
use crate::ner::{batch_words, Inputs, NerModel, NerOptions, Prepared, Window};
use nertab_core::tokenize::WordPieceTokenizer;

/// Linear warm-up to the peak learning rate, then linear decay to zero at the last step.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    /// Peak learning rate.
    pub peak: f64,
    /// Steps of warm-up.
    pub warmup_steps: f64,
    /// Steps of the whole run.
    pub total_steps: usize,
}

impl Schedule {
    /// The learning rate at `step` (0-based).
    pub fn lr(&self, step: usize) -> f64 {
        if (step as f64) < self.warmup_steps {
            self.peak * (step as f64 + 1.0) / self.warmup_steps
        } else {
            let left = self.total_steps.saturating_sub(step) as f64;
            self.peak * (left / (self.total_steps as f64 - self.warmup_steps).max(1.0)).max(0.0)
        }
    }
}

/// A network being trained, with what it needs to read documents and to score itself.
pub struct Trainer {
    vs: nn::VarStore,
    net: Net,
    config: ModelConfig,
    tokenizer: WordPieceTokenizer,
    inputs: Inputs,
    options: NerOptions,
    optimiser: nn::Optimizer,
    schedule: Schedule,
    step: usize,
    distill: f64,
    temperature: f64,
    clip: f64,
}

impl Trainer {
    /// A network described by `config`, started from the encoder (or trained model) at `opts.base`. Seeds libtorch's
    /// process-wide generator with `opts.seed`: one training at a time per process.
    pub fn new(config: ModelConfig, tokenizer: WordPieceTokenizer, opts: &TrainOptions) -> Result<Trainer, TrainError> {
        tch::manual_seed(opts.seed as i64);
        let vs = nn::VarStore::new(Device::Cpu);
        let net = Net::new(vs.root(), &config)?;
        init_from_encoder(&vs, config.arch, &opts.base.join("model.safetensors"), opts.layers.as_deref())?;
        let optimiser = nn::AdamW::default().wd(opts.weight_decay).build(&vs, opts.lr)?;
        let options = NerOptions::of(&config);
        Ok(Trainer {
            inputs: Inputs::new(tokenizer.clone(), config.casing_input()),
            tokenizer,
            vs,
            net,
            config,
            options,
            optimiser,
            schedule: Schedule { peak: opts.lr, warmup_steps: 1.0, total_steps: 1 },
            step: 0,
            distill: opts.distill,
            temperature: opts.temperature,
            clip: opts.clip,
        })
    }

    /// Encodes the training documents and plans their windows, as inference would.
    pub fn prepare(&self, set: &TrainingSet) -> Result<Prepared, TrainError> {
        Ok(self.inputs.prepare(&set.refs(), &self.options)?)
    }

    /// Sets the learning-rate schedule for a run of `total_steps` steps.
    pub fn set_schedule(&mut self, total_steps: usize, warmup: f64) {
        let total_steps = total_steps.max(1);
        let warmup_steps = ((total_steps as f64) * warmup).round().max(1.0);
        self.schedule = Schedule { peak: self.schedule.peak, warmup_steps, total_steps };
    }

    /// Steps taken so far.
    pub fn steps(&self) -> usize {
        self.step
    }

    /// One optimiser step on a batch of windows; `None` when the batch holds nothing to learn from (no word with a
    /// piece). The loss is the hard loss on gold-labelled words mixed with the distillation term on the teacher's.
    pub fn step(
        &mut self,
        batch: &[&Window],
        prepared: &Prepared,
        set: &TrainingSet,
    ) -> Result<Option<f64>, TrainError> {
        let lr = self.schedule.lr(self.step);
        self.optimiser.set_lr(lr);
        let t = self.inputs.batch_tensors(batch, &prepared.encoded)?;
        let mut labels = vec![IGNORE_INDEX; batch.len() * t.width];
        // With a teacher: the labelled positions and the teacher's logits for their words.
        let (mut picked, mut soft) = (Vec::new(), Vec::new());
        let n = LABELS.len();
        for w in batch_words(batch, &prepared.encoded, t.width) {
            labels[w.index] = set.gold[w.doc][w.token];
            if let Some(teacher) = &set.teacher {
                picked.push(w.index as i64);
                soft.extend_from_slice(&teacher[w.doc][w.token * n..(w.token + 1) * n]);
            }
        }
        let logits = self.net.forward_t(&t.ids, &t.mask, &t.types, true)?.f_view([-1, n as i64])?;
        let hard = hard_loss(&logits, &labels)?;
        let soft =
            if picked.is_empty() { None } else { Some(distillation_loss(&logits, &picked, &soft, self.temperature)?) };
        let Some(loss) = mix(hard, soft, self.distill)? else { return Ok(None) };
        self.optimiser.zero_grad();
        loss.f_backward()?;
        self.optimiser.clip_grad_norm(self.clip);
        self.optimiser.step();
        let l = loss.f_double_value(&[])?;
        if !l.is_finite() {
            return Err(TrainError::Invalid(format!("loss became {l} at step {}; try a lower --lr", self.step)));
        }
        self.step += 1;
        Ok(Some(l))
    }

    /// One pass over the training set in shuffled batches; returns the mean loss. `report` sees each step's loss
    /// and learning rate (progress display).
    pub fn epoch(
        &mut self,
        prepared: &Prepared,
        set: &TrainingSet,
        batch: usize,
        rng: &mut StdRng,
        report: &mut dyn FnMut(f64, f64),
    ) -> Result<f64, TrainError> {
        let batches = shuffled_batches(prepared, batch, rng);
        let mut loss_sum = 0.0;
        for b in &batches {
            let lr = self.schedule.lr(self.step);
            if let Some(l) = self.step(b, prepared, set)? {
                loss_sum += l;
                report(l, lr);
            }
        }
        Ok(loss_sum / batches.len().max(1) as f64)
    }

    /// The network as it is now, as an fp32 inference model (its encoder reads the current variables).
    pub fn snapshot(&self) -> Result<NerModel, TrainError> {
        Ok(NerModel::from_variables(&self.vs.variables(), &self.config, self.tokenizer.clone(), Precision::Fp32, None)?)
    }

    /// Saves the current variables as fp16 safetensors.
    pub fn save(&self, path: &std::path::Path) -> Result<(), TrainError> {
        save_fp16(&self.vs, path)
    }

    /// Batches per epoch for `batch` windows per batch.
    pub fn batches_per_epoch(prepared: &Prepared, batch: usize) -> usize {
        prepared.windows.len().div_ceil(batch)
    }
}

/// Batches for one epoch: windows shuffled, grouped in pools of 50 batches, sorted by length inside a pool (little
/// padding), cut into batches, and the batches shuffled.
fn shuffled_batches<'a>(prepared: &'a Prepared, batch: usize, rng: &mut StdRng) -> Vec<Vec<&'a Window>> {
    let mut windows: Vec<&Window> = prepared.windows.iter().collect();
    windows.shuffle(rng);
    let mut batches = Vec::new();
    for pool in windows.chunks_mut(batch * 50) {
        pool.sort_by_key(|w| w.len(&prepared.encoded[w.doc]));
        batches.extend(pool.chunks(batch).map(<[_]>::to_vec));
    }
    batches.shuffle(rng);
    batches
}

#[cfg(test)]
mod tests {
    use super::Schedule;

    #[test]
    fn schedule_warms_up_then_decays_to_zero() {
        let s = Schedule { peak: 1.0, warmup_steps: 4.0, total_steps: 20 };
        assert_eq!(s.lr(0), 0.25);
        assert_eq!(s.lr(3), 1.0);
        assert_eq!(s.lr(4), 1.0);
        assert!((s.lr(12) - 0.5).abs() < 1e-12);
        assert_eq!(s.lr(20), 0.0);
    }
}
