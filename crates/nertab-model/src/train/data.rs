//! What a training run learns from: the tagged documents with their gold label ids, untagged articles, and a
//! teacher's word-level logits over both.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use super::loss::IGNORE_INDEX;
use super::{TrainError, TrainOptions, LABELS};
use crate::conll::ConllDoc;
use crate::model::Precision;
use crate::ner::{Doc, NerModel};
use nertab_core::tokenize::{tokenize, Tokenized};

/// The training documents, as the model reads them.
pub struct TrainingSet {
    /// Each document's text and words: the tagged ones first, then the untagged.
    pub docs: Vec<(String, Tokenized)>,
    /// Gold label id per word ([`IGNORE_INDEX`] for untagged text).
    pub gold: Vec<Vec<i64>>,
    /// The teacher's logits per word (`words × labels`, row-major), when distilling; for an ensemble of teachers,
    /// logits whose distribution at the training temperature is the mean of theirs (see [`ensemble`]), except on
    /// `--unlabelled-by` text, which carries its one teacher's logits.
    pub teacher: Option<Vec<Vec<f32>>>,
}

impl TrainingSet {
    /// Reads the tagged split (and the untagged articles) and, with teachers, has them label the text: all of them
    /// the tagged text and `--unlabelled`, each `--unlabelled-by` source its one teacher.
    pub fn build(opts: &TrainOptions) -> Result<TrainingSet, TrainError> {
        let mut tagged = super::read_tagged(&opts.train)?;
        if let Some(n) = opts.limit_docs {
            tagged.truncate(n);
        }
        let mut gold = gold_ids(&tagged, &opts.train)?;
        for path in &opts.also_train {
            let more = super::read_tagged(path)?;
            gold.extend(gold_ids(&more, path)?);
            tagged.extend(more);
        }
        if opts.recase > 0.0 {
            recase(&mut tagged, opts.recase, opts.seed);
        }
        let mut docs: Vec<(String, Tokenized)> = tagged.iter().map(ConllDoc::to_tokenized).collect();
        if (!opts.unlabelled.is_empty() || !opts.unlabelled_by.is_empty()) && opts.teachers.is_empty() {
            return Err(TrainError::Invalid("untagged text needs a --teacher to label it".into()));
        }
        let mut read_untagged = |paths: &[PathBuf]| -> Result<usize, TrainError> {
            let before = docs.len();
            if !paths.is_empty() {
                let source = paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" ");
                for article in nertab_core::corpus::read(paths)? {
                    let article = article?;
                    super::held_out::check_article(&source, &article.id, &article.text)?;
                    let text = article.text;
                    let doc = tokenize(&text);
                    gold.push(vec![IGNORE_INDEX; doc.tokens.len()]);
                    docs.push((text, doc));
                }
            }
            Ok(docs.len() - before)
        };
        read_untagged(&opts.unlabelled)?;
        // The documents every teacher labels come first; then each `--unlabelled-by` source, for its teacher alone.
        check_solo_texts(&opts.unlabelled_by, opts.teachers.len())?;
        let mut solo = Vec::new();
        for s in &opts.unlabelled_by {
            solo.push((s.teacher - 1, read_untagged(std::slice::from_ref(&s.path))?));
        }
        let mut set = TrainingSet { docs, gold, teacher: None };
        if !opts.teachers.is_empty() {
            let shared = set.docs.len() - solo.iter().map(|(_, n)| n).sum::<usize>();
            let docs = set.refs();
            let each = opts
                .teachers
                .iter()
                .enumerate()
                .map(|(k, dir)| teacher_logits(dir, &docs_of_teacher(&docs, shared, &solo, k)))
                .collect::<Result<Vec<_>, _>>()?;
            set.teacher = Some(assemble(each, shared, &solo, opts.temperature, &opts.type_weights));
        }
        if opts.headlines > 0.0 {
            // After the teacher: it labels the sentences as written, the student learns those labels on headlines.
            let dropped = headlines(&mut tagged, opts.headlines, opts.seed);
            for (d, (doc, dropped)) in tagged.iter().zip(dropped).enumerate() {
                set.docs[d] = doc.to_tokenized();
                set.gold[d] = drop_words(&set.gold[d], &dropped, 1);
                if let Some(teacher) = &mut set.teacher {
                    teacher[d] = drop_words(&teacher[d], &dropped, LABELS.len());
                }
            }
        }
        Ok(set)
    }

    /// The documents as [`Doc`]s.
    pub fn refs(&self) -> Vec<Doc<'_>> {
        self.docs.iter().map(|(text, tokens)| Doc { text, tokens }).collect()
    }
}

/// Each word's gold label id, per document; a tag outside [`LABELS`] is an error naming the file it came from.
fn gold_ids(docs: &[ConllDoc], path: &Path) -> Result<Vec<Vec<i64>>, TrainError> {
    docs.iter()
        .map(|d| {
            d.tags()
                .iter()
                .map(|t| {
                    LABELS.iter().position(|l| l == t).map(|i| i as i64).ok_or_else(|| {
                        TrainError::Invalid(format!("{}: tag {t} is outside {LABELS:?}", path.display()))
                    })
                })
                .collect()
        })
        .collect()
}

/// Re-cases a share of the training sentences, chosen with `seed`: each chosen one is written in Title Case,
/// UPPER CASE or lower case (a third each), its tags unchanged.
///
/// Why: the encoder is uncased and nertab gives it each word's casing class, so a model trained only on CoNLL's
/// mostly sentence-case text learns that a capital letter means a name. Headlines ("North Korean Regime Reliance on
/// Cryptocurrencies Ups Internet Usage") then come out full of false entities. Mayhew et al. (2019) kept cased
/// accuracy and gained robustness by mixing re-cased sentences into training.
pub fn recase(docs: &mut [ConllDoc], share: f64, seed: u64) {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed ^ 0x5eca5e);
    for doc in docs {
        for sentence in &mut doc.sentences {
            if !rng.random_bool(share.clamp(0.0, 1.0)) {
                continue;
            }
            match rng.random_range(0..3) {
                0 => title_case_words(&mut sentence.words),
                1 => sentence.words.iter_mut().for_each(|w| *w = w.to_uppercase()),
                _ => sentence.words.iter_mut().for_each(|w| *w = w.to_lowercase()),
            }
        }
    }
}

/// Rewrites a share of the training sentences, chosen with `seed`, as Title-Case headlines: words as
/// `title_case` writes them and the final stop dropped, tags unchanged. Returns, per document, the indices of the
/// words dropped (counted over the whole document, ascending), so that per-word data can follow.
///
/// Why: CoNLL's headlines are UPPER CASE, so a model never sees the Title-Case headlines of today's news, where
/// every content word is Capitalized. Written without a stop, they are what [`crate::ner::is_headline`] flags, and a
/// model with the headline casing class learns its meaning from them.
pub fn headlines(docs: &mut [ConllDoc], share: f64, seed: u64) -> Vec<Vec<usize>> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed ^ 0x4ead11e);
    let mut dropped = Vec::with_capacity(docs.len());
    for doc in docs {
        let (mut gone, mut start) = (Vec::new(), 0);
        for sentence in &mut doc.sentences {
            let n = sentence.words.len();
            if rng.random_bool(share.clamp(0.0, 1.0)) && n > 0 {
                if n > 1 && matches!(sentence.words[n - 1].as_str(), "." | "!" | "?") {
                    sentence.words.pop();
                    sentence.tags.pop();
                    gone.push(start + n - 1);
                }
                title_case_words(&mut sentence.words);
            }
            start += n;
        }
        dropped.push(gone);
    }
    dropped
}

/// Per-word rows (`width` values each) without the rows of the words in `dropped` (ascending).
fn drop_words<T: Copy>(rows: &[T], dropped: &[usize], width: usize) -> Vec<T> {
    rows.chunks(width)
        .enumerate()
        .filter(|(w, _)| dropped.binary_search(w).is_err())
        .flat_map(|(_, r)| r)
        .copied()
        .collect()
}

/// A sentence's words as a headline writes them ([`title_case`], the first word always capitalized).
fn title_case_words(words: &mut [String]) {
    for (i, word) in words.iter_mut().enumerate() {
        *word = title_case(word, i == 0);
    }
}

/// A word as a headline writes it: first letter capitalized, except short function words inside the line.
fn title_case(word: &str, first: bool) -> String {
    const SMALL: [&str; 12] = ["a", "an", "the", "of", "in", "on", "for", "to", "and", "by", "at", "with"];
    if !first && SMALL.contains(&word.to_lowercase().as_str()) {
        return word.to_lowercase();
    }
    let mut chars = word.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The teacher model in `dir` (fp32) labels the training documents: its logits per word, `tokens × labels`.
fn teacher_logits(dir: &Path, docs: &[Doc]) -> Result<Vec<Vec<f32>>, TrainError> {
    let t0 = Instant::now();
    let teacher = NerModel::load_with(dir, Precision::Fp32)?;
    if teacher.labels() != LABELS {
        return Err(TrainError::Mismatch {
            path: dir.to_path_buf(),
            reason: format!("teacher labels {:?}, want {LABELS:?}", teacher.labels()),
        });
    }
    let logits = teacher.word_logits(docs)?;
    eprintln!("teacher {}: {} documents labelled in {:.0} s", dir.display(), docs.len(), t0.elapsed().as_secs_f64());
    Ok(logits)
}

/// Untagged articles that one teacher alone labels (`--unlabelled-by K:PATH`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SoloText {
    /// The teacher, counted from 1 in `--teacher` order.
    pub teacher: usize,
    /// A file or directory of articles, as `extract` reads them.
    pub path: PathBuf,
}

/// Reads `K:PATH` (clap's parser for `--unlabelled-by`); the path may itself hold colons.
pub fn parse_solo_text(s: &str) -> Result<SoloText, String> {
    let (k, path) = s.split_once(':').ok_or_else(|| format!("{s:?}: want K:PATH, e.g. 2:brown.jsonl"))?;
    let teacher = k.trim().parse::<usize>().map_err(|e| format!("{s:?}: teacher {k:?}: {e}"))?;
    if path.is_empty() {
        return Err(format!("{s:?}: no path after the colon"));
    }
    Ok(SoloText { teacher, path: PathBuf::from(path) })
}

/// Refuses a source whose teacher is not one of the `teachers` given (counted from 1).
pub fn check_solo_texts(all: &[SoloText], teachers: usize) -> Result<(), TrainError> {
    match all.iter().find(|s| s.teacher == 0 || s.teacher > teachers) {
        Some(s) => Err(TrainError::Invalid(format!(
            "--unlabelled-by {}:{}: there is no teacher {} of {teachers} (counted from 1 in --teacher order)",
            s.teacher,
            s.path.display(),
            s.teacher
        ))),
        None => Ok(()),
    }
}

/// What teacher `k` labels: the first `shared` documents (tagged text and `--unlabelled`), then its own
/// `--unlabelled-by` sources; `solo` lists each such source's teacher (from 0) and document count, in order.
fn docs_of_teacher<'a>(docs: &[Doc<'a>], shared: usize, solo: &[(usize, usize)], k: usize) -> Vec<Doc<'a>> {
    let mut mine = docs[..shared].to_vec();
    let mut start = shared;
    for &(teacher, n) in solo {
        if teacher == k {
            mine.extend_from_slice(&docs[start..start + n]);
        }
        start += n;
    }
    mine
}

/// Each teacher's logits over `docs_of_teacher` put back in document order: the [`ensemble`] of all of them on
/// the shared documents, each `--unlabelled-by` source's teacher alone on it (its logits as they are, as for a
/// single teacher).
///
/// Why a teacher per source: teachers can differ by kind of text as well as by type, so one ensemble for all text
/// may carry a teacher's weakness on one kind into the student. (Measured for #30 in docs/model.md: giving the
/// Brown prose to the shipped student alone did not win back the non-news check, whose loss came from the cased
/// teacher's MISC on the news text itself.)
fn assemble(
    each: Vec<Vec<Vec<f32>>>,
    shared: usize,
    solo: &[(usize, usize)],
    temperature: f64,
    type_weights: &[TypeWeights],
) -> Vec<Vec<f32>> {
    let mut own: Vec<std::vec::IntoIter<Vec<f32>>> = Vec::new();
    let mut common = Vec::new();
    for mut logits in each {
        debug_assert!(logits.len() >= shared, "a teacher labelled fewer documents than are shared");
        own.push(logits.split_off(shared.min(logits.len())).into_iter());
        common.push(logits);
    }
    let mut out = ensemble(common, temperature, type_weights);
    for &(teacher, n) in solo {
        out.extend(own[teacher].by_ref().take(n));
    }
    out
}

/// How much each teacher counts for one entity type's labels (`B-TYPE`, `I-TYPE`), in `--teacher` order:
/// `--type-weights MISC=1:3`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TypeWeights {
    /// The entity type, as the labels spell it (`PER`, `ORG`, `LOC`, `MISC`).
    pub kind: String,
    /// One weight per teacher; the ensemble uses them divided by their sum.
    pub weights: Vec<f64>,
}

/// Reads `TYPE=W1:W2[:…]` (clap's parser for `--type-weights`).
pub fn parse_type_weights(s: &str) -> Result<TypeWeights, String> {
    let (kind, list) = s.split_once('=').ok_or_else(|| format!("{s:?}: want TYPE=W1:W2, e.g. MISC=1:3"))?;
    let weights = list
        .split(':')
        .map(|w| w.trim().parse::<f64>().map_err(|e| format!("{s:?}: weight {w:?}: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(TypeWeights { kind: kind.trim().to_string(), weights })
}

/// Refuses weights that name no label type, name one twice, do not give one weight per teacher, are negative, or
/// sum to zero.
pub fn check_type_weights(all: &[TypeWeights], teachers: usize) -> Result<(), TrainError> {
    for (i, tw) in all.iter().enumerate() {
        let bad = |why: String| TrainError::Invalid(format!("--type-weights {}: {why}", tw.kind));
        if tw.kind == "O" || !LABELS.contains(&format!("B-{}", tw.kind).as_str()) {
            return Err(bad("not an entity type of the labels (PER, ORG, LOC, MISC)".into()));
        }
        if all[..i].iter().any(|o| o.kind == tw.kind) {
            return Err(bad("given twice".into()));
        }
        if tw.weights.len() != teachers {
            return Err(bad(format!("{} weights for {teachers} teachers", tw.weights.len())));
        }
        if tw.weights.iter().any(|w| !w.is_finite() || *w < 0.0) || tw.weights.iter().sum::<f64>() <= 0.0 {
            return Err(bad("weights must be finite, at least 0, and not all 0".into()));
        }
    }
    Ok(())
}

/// Each label's weight per teacher, normalised to sum 1 over the teachers: equal unless `type_weights` names the
/// label's type.
fn label_weights(teachers: usize, type_weights: &[TypeWeights]) -> Vec<Vec<f64>> {
    LABELS
        .iter()
        .map(|label| {
            let kind = label.split_once('-').map(|(_, kind)| kind);
            match type_weights.iter().find(|tw| Some(tw.kind.as_str()) == kind) {
                Some(tw) => {
                    let sum: f64 = tw.weights.iter().sum();
                    tw.weights.iter().map(|w| w / sum).collect()
                }
                None => vec![1.0 / teachers as f64; teachers],
            }
        })
        .collect()
}

/// One teacher's logits as they are; for several, `T · ln(p)` per word, where `p` is the teachers' distributions
/// at `T` mixed label by label: `p(l) ∝ Σ_k w_k(l) · p_k(l)`, with `w_k(l)` teacher k's weight for the type of
/// label `l` ([`TypeWeights`]; equal by default, and then `p` is exactly the mean of the teachers' distributions).
/// The distillation loss, which reads `softmax(row / T)`, sees `p`.
///
/// Why the mean of probabilities and not of logits: it is the ensemble's own predictive distribution (where one
/// teacher is sure and another unsure, the mean keeps both views), the usual form of multi-teacher distillation.
/// Why weights per type: teachers differ by type (a cased encoder reads MISC better, an uncased one ORG), and an
/// equal mean carries each one's weak type into the student too.
/// The teachers may have different tokenizers: each row is one word's, read from its first piece.
pub fn ensemble(mut teachers: Vec<Vec<Vec<f32>>>, temperature: f64, type_weights: &[TypeWeights]) -> Vec<Vec<f32>> {
    if teachers.len() <= 1 {
        return teachers.pop().unwrap_or_default();
    }
    let n = LABELS.len();
    let weights = label_weights(teachers.len(), type_weights);
    let t = temperature;
    let mut out = teachers[0].clone();
    for (d, doc) in out.iter_mut().enumerate() {
        for (w, row) in doc.chunks_mut(n).enumerate() {
            let mut mix = vec![0.0f64; n];
            for (k, teacher) in teachers.iter().enumerate() {
                let scaled: Vec<f64> = teacher[d][w * n..(w + 1) * n].iter().map(|&l| l as f64 / t).collect();
                let max = scaled.iter().fold(f64::NEG_INFINITY, |m, &x| m.max(x));
                let e: Vec<f64> = scaled.iter().map(|x| (x - max).exp()).collect();
                let z: f64 = e.iter().sum();
                for (l, (m, x)) in mix.iter_mut().zip(e).enumerate() {
                    *m += weights[l][k] * x / z;
                }
            }
            let total: f64 = mix.iter().sum();
            for (r, m) in row.iter_mut().zip(mix) {
                // A label every teacher rules out entirely underflows to 0: keep its logit finite.
                *r = (t * (m / total).max(f64::MIN_POSITIVE).ln()) as f32;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One document of `sentence` (CoNLL lines) `n` times.
    fn repeated(sentence: &str, n: usize) -> Vec<ConllDoc> {
        crate::conll::parse(&("-DOCSTART- -X- -X- O\n\n".to_string() + &sentence.repeat(n)), "x").unwrap()
    }

    #[test]
    fn recasing_changes_words_not_tags_and_is_seeded() {
        let docs = repeated(
            "North NNP B-NP B-LOC\nKorea NNP I-NP I-LOC\nsaid VBD B-VP O\nof IN B-PP O\nthe DT B-NP O\nUN NNP B-NP B-ORG\n\n",
            60,
        );
        let mut a = docs.clone();
        recase(&mut a, 0.5, 7);
        let mut b = docs.clone();
        recase(&mut b, 0.5, 7);
        assert_eq!(a, b, "same seed, same sentences");
        let changed = a[0].sentences.iter().zip(&docs[0].sentences).filter(|(x, y)| x.words != y.words).count();
        assert!((15..=45).contains(&changed), "{changed} of 60 re-cased");
        assert!(a[0].sentences.iter().all(|s| s.tags == docs[0].sentences[0].tags));
        let forms: std::collections::HashSet<String> = a[0].sentences.iter().map(|s| s.words.join(" ")).collect();
        assert!(forms.contains("North Korea Said of the UN"), "{forms:?}");
        assert!(forms.contains("NORTH KOREA SAID OF THE UN"));
        assert!(forms.contains("north korea said of the un"));
        assert_eq!(title_case("the", true), "The");
    }

    #[test]
    fn headlines_drop_the_stop_and_its_rows() {
        let docs = repeated(
            "Shares NNS B-NP O\nin IN B-PP O\nbritish JJ B-NP B-MISC\nbanks NNS I-NP O\nfell VBD B-VP O\n. . O O\n\n",
            40,
        );
        let mut a = docs.clone();
        let dropped = headlines(&mut a, 0.5, 7);
        let mut b = docs.clone();
        assert_eq!(headlines(&mut b, 0.5, 7), dropped, "seeded");
        let (before, after) = (&docs[0].sentences, &a[0].sentences);
        let changed: Vec<usize> = (0..40).filter(|&i| after[i].words != before[i].words).collect();
        assert!((8..=32).contains(&changed.len()), "{} of 40 rewritten", changed.len());
        assert_eq!(dropped[0], changed.iter().map(|&i| i * 6 + 5).collect::<Vec<_>>());
        for &i in &changed {
            assert_eq!(after[i].words.join(" "), "Shares in British Banks Fell");
            assert_eq!(after[i].tags, ["O", "O", "B-MISC", "O", "O"]);
            assert!(crate::ner::is_headline(&after[i].words.iter().map(String::as_str).collect::<Vec<_>>()));
        }
        // Per-word rows follow: word 5 of sentence 0, if dropped, leaves the rows of words 0-4 and 6-.
        let rows: Vec<u32> = (0..240 * 2).collect();
        let kept = drop_words(&rows, &dropped[0], 2);
        assert_eq!(kept.len(), (240 - dropped[0].len()) * 2);
        let first_gone = dropped[0][0];
        assert_eq!(
            &kept[first_gone * 2..first_gone * 2 + 2],
            &[(first_gone as u32 + 1) * 2, (first_gone as u32 + 1) * 2 + 1]
        );
    }

    /// Softmax of a row at temperature `t`.
    fn probs(row: &[f32], t: f64) -> Vec<f64> {
        let e: Vec<f64> = row.iter().map(|&l| (l as f64 / t).exp()).collect();
        let z: f64 = e.iter().sum();
        e.iter().map(|x| x / z).collect()
    }

    #[test]
    fn an_ensemble_of_teachers_is_the_mean_of_their_distributions_at_the_temperature() {
        let n = LABELS.len();
        let a: Vec<f32> = (0..2 * n).map(|i| (i % 4) as f32 * 1.5).collect();
        let b: Vec<f32> = (0..2 * n).map(|i| ((i * 7) % 5) as f32 - 2.0).collect();
        // One teacher: its logits untouched.
        assert_eq!(ensemble(vec![vec![a.clone()]], 2.0, &[]), vec![a.clone()]);
        for t in [1.0, 2.0] {
            let out = ensemble(vec![vec![a.clone()], vec![b.clone()]], t, &[]);
            for w in 0..2 {
                let got = probs(&out[0][w * n..(w + 1) * n], t);
                let pa = probs(&a[w * n..(w + 1) * n], t);
                let pb = probs(&b[w * n..(w + 1) * n], t);
                for i in 0..n {
                    let want = (pa[i] + pb[i]) / 2.0;
                    assert!((got[i] - want).abs() < 1e-6, "T {t}, word {w}, label {i}: {} against {want}", got[i]);
                }
            }
            // Two copies of one teacher are that teacher.
            let same = ensemble(vec![vec![a.clone()], vec![a.clone()]], t, &[]);
            let (p, q) = (probs(&same[0][..n], t), probs(&a[..n], t));
            assert!(p.iter().zip(&q).all(|(x, y)| (x - y).abs() < 1e-6));
        }
        // A label all teachers rule out stays finite.
        let mut sure = vec![0.0f32; n];
        sure[0] = 1e4;
        let out = ensemble(vec![vec![sure.clone()], vec![sure]], 1.0, &[]);
        assert!(out[0].iter().all(|x| x.is_finite()), "{:?}", out[0]);
    }

    #[test]
    fn type_weights_mix_the_teachers_label_by_label() {
        let n = LABELS.len();
        let a: Vec<f32> = (0..n).map(|i| (i % 4) as f32 * 1.5).collect();
        let b: Vec<f32> = (0..n).map(|i| ((i * 7) % 5) as f32 - 2.0).collect();
        let misc = parse_type_weights("MISC=0:1").unwrap();
        let org = parse_type_weights("ORG=3:1").unwrap();
        let out = ensemble(vec![vec![a.clone()], vec![b.clone()]], 1.0, &[misc, org]);
        let (pa, pb, got) = (probs(&a, 1.0), probs(&b, 1.0), probs(&out[0], 1.0));
        // Unnormalised mix: MISC labels from b alone, ORG labels 3:1, the rest the mean.
        let mix: Vec<f64> = (0..n)
            .map(|l| match LABELS[l] {
                "B-MISC" | "I-MISC" => pb[l],
                "B-ORG" | "I-ORG" => 0.75 * pa[l] + 0.25 * pb[l],
                _ => 0.5 * (pa[l] + pb[l]),
            })
            .collect();
        let total: f64 = mix.iter().sum();
        for l in 0..n {
            assert!((got[l] - mix[l] / total).abs() < 1e-6, "{}: {} against {}", LABELS[l], got[l], mix[l] / total);
        }
        // Equal weights named explicitly are the plain mean.
        let even = ensemble(vec![vec![a.clone()], vec![b.clone()]], 1.0, &[parse_type_weights("PER=2:2").unwrap()]);
        let mean = ensemble(vec![vec![a.clone()], vec![b]], 1.0, &[]);
        assert!(even[0].iter().zip(&mean[0]).all(|(x, y)| (x - y).abs() < 1e-5));
    }

    #[test]
    fn type_weights_are_refused_unless_one_per_teacher_for_a_label_type() {
        assert!(parse_type_weights("MISC").is_err());
        assert!(parse_type_weights("MISC=1:x").is_err());
        let ok = parse_type_weights(" MISC = 1 : 3 ").unwrap();
        assert_eq!(ok, TypeWeights { kind: "MISC".into(), weights: vec![1.0, 3.0] });
        assert!(check_type_weights(std::slice::from_ref(&ok), 2).is_ok());
        let refused = |spec: &[&str], teachers: usize| {
            let all: Vec<TypeWeights> = spec.iter().map(|s| parse_type_weights(s).unwrap()).collect();
            check_type_weights(&all, teachers).unwrap_err().to_string()
        };
        assert!(refused(&["MISC=1:3"], 3).contains("2 weights for 3 teachers"));
        assert!(refused(&["DATE=1:1"], 2).contains("not an entity type"));
        assert!(refused(&["O=1:1"], 2).contains("not an entity type"));
        assert!(refused(&["ORG=1:0", "ORG=0:1"], 2).contains("given twice"));
        assert!(refused(&["ORG=0:0"], 2).contains("not all 0"));
        assert!(refused(&["ORG=-1:2"], 2).contains("at least 0"));
    }

    /// `--unlabelled-by` sources go to their own teacher alone: each one sees the shared documents and its own
    /// sources only, and gets them back in document order; the shared documents get the ensemble.
    #[test]
    fn each_source_gets_its_own_teacher_and_the_shared_documents_the_ensemble() {
        let n = LABELS.len();
        // Documents 0-1 shared, 2 for teacher 1, 3-4 for teacher 0, 5 for teacher 1; one word each.
        let solo = [(1, 1), (0, 2), (1, 1)];
        let texts: Vec<Tokenized> = (0..6).map(|i| tokenize(&format!("w{i}"))).collect();
        let names: Vec<String> = (0..6).map(|i| format!("w{i}")).collect();
        let docs: Vec<Doc> = names.iter().zip(&texts).map(|(text, tokens)| Doc { text, tokens }).collect();
        let seen = |k| docs_of_teacher(&docs, 2, &solo, k).iter().map(|d| d.text.to_string()).collect::<Vec<_>>();
        assert_eq!(seen(0), ["w0", "w1", "w3", "w4"]);
        assert_eq!(seen(1), ["w0", "w1", "w2", "w5"]);

        // Teacher k's logit row for document d: all zero but label `k + 1`, which holds `d`.
        let row = |k: usize, d: usize| {
            let mut r = vec![0.0f32; n];
            r[k + 1] = 10.0 + d as f32;
            r
        };
        let each = vec![[0, 1, 3, 4].map(|d| row(0, d)).to_vec(), [0, 1, 2, 5].map(|d| row(1, d)).to_vec()];
        let out = assemble(each.clone(), 2, &solo, 1.0, &[]);
        assert_eq!(out.len(), 6);
        for (d, k) in [(2, 1), (3, 0), (4, 0), (5, 1)] {
            assert_eq!(out[d], row(k, d), "document {d} is teacher {k}'s alone");
        }
        let shared: Vec<Vec<Vec<f32>>> = each.iter().map(|t| t[..2].to_vec()).collect();
        assert_eq!(out[..2], ensemble(shared, 1.0, &[])[..]);
        // Without sources of their own, it is the ensemble.
        let two: Vec<Vec<Vec<f32>>> = each.iter().map(|t| t[..2].to_vec()).collect();
        assert_eq!(assemble(two.clone(), 2, &[], 1.0, &[]), ensemble(two, 1.0, &[]));
    }

    #[test]
    fn a_solo_source_reads_as_teacher_colon_path() {
        let s = parse_solo_text("2:data/brown:v2.jsonl").unwrap();
        assert_eq!((s.teacher, s.path), (2, PathBuf::from("data/brown:v2.jsonl")));
        assert!(parse_solo_text("brown.jsonl").unwrap_err().contains("K:PATH"));
        assert!(parse_solo_text("x:brown.jsonl").unwrap_err().contains("teacher \"x\""));
        assert!(parse_solo_text("1:").unwrap_err().contains("no path"));
    }
}
