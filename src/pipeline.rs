//! The data path: articles → [`tokenize`] → [`ner`] ∥ [`amounts`] → [`table`] rows.
//!
//! Articles are processed in chunks so memory stays bounded on any corpus: a chunk is tokenized in parallel (rayon),
//! then NER runs on the calling thread (libtorch has its own intra-op threads and a model is not `Sync`) while the
//! amounts extractor runs over the same chunk on the rayon pool. Rows leave in input order, then offset order,
//! whatever the thread count.

use std::time::{Duration, Instant};

use rayon::prelude::*;
use thiserror::Error;

use crate::amounts::{self, Amount};
use crate::corpus::{Article, CorpusError};
use crate::ner::{Entity, NerError, NerModel};
use crate::table::{Row, TableError, TableWriter};
use crate::tokenize::{self, Tokenized};

#[derive(Debug, Error)]
pub enum PipelineError {
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    #[error(transparent)]
    Ner(#[from] NerError),
    #[error(transparent)]
    Table(#[from] TableError),
    /// Under `--strict`, an input that would have been skipped.
    #[error("{0} (--strict: no output written)")]
    Strict(CorpusError),
}

/// Counts and stage timings of a run, for `--stats`.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub articles: u64,
    pub skipped: u64,
    pub bytes: u64,
    pub sentences: u64,
    pub words: u64,
    pub rows: u64,
    pub read: Duration,
    pub tokenize: Duration,
    pub ner: Duration,
    pub amounts: Duration,
    pub write: Duration,
}

/// What to extract.
pub struct Pipeline {
    pub ner: Option<NerModel>,
    pub amounts: bool,
    /// Articles per chunk.
    pub chunk: usize,
    /// Fail on the first skipped file or line instead of reporting it.
    pub strict: bool,
}

struct Prepared {
    article: Article,
    doc: Tokenized,
}

impl Pipeline {
    /// Runs every article through the extractors and writes the rows. Unusable files and JSONL lines are reported and
    /// skipped (or end the run under `strict`); any other input, model or output error ends the run.
    pub fn run<I>(&self, articles: I, table: &mut TableWriter, stats: &mut Stats) -> Result<(), PipelineError>
    where
        I: Iterator<Item = Result<Article, CorpusError>>,
    {
        let mut articles = articles.peekable();
        while articles.peek().is_some() {
            let t = Instant::now();
            let mut chunk = Vec::with_capacity(self.chunk);
            for item in articles.by_ref() {
                match item {
                    Ok(a) => chunk.push(a),
                    Err(e) if e.is_skip() && self.strict => return Err(PipelineError::Strict(e)),
                    Err(e) if e.is_skip() => {
                        tracing::warn!("{e}");
                        stats.skipped += 1;
                    }
                    Err(e) => return Err(e.into()),
                }
                if chunk.len() == self.chunk {
                    break;
                }
            }
            stats.read += t.elapsed();
            self.run_chunk(chunk, table, stats)?;
        }
        Ok(())
    }

    fn run_chunk(&self, chunk: Vec<Article>, table: &mut TableWriter, stats: &mut Stats) -> Result<(), PipelineError> {
        let t = Instant::now();
        let prepared: Vec<Prepared> =
            chunk.into_par_iter().map(|article| Prepared { doc: tokenize::tokenize(&article.text), article }).collect();
        stats.tokenize += t.elapsed();
        for p in &prepared {
            stats.articles += 1;
            stats.bytes += p.article.text.len() as u64;
            stats.sentences += p.doc.sentences.len() as u64;
            stats.words += p.doc.tokens.len() as u64;
        }

        let want_amounts = self.amounts;
        let (entities, (amounts, amounts_time)) = std::thread::scope(|s| {
            let amounts = s.spawn(|| {
                let t = Instant::now();
                let found: Vec<Vec<Amount>> = if want_amounts {
                    prepared.par_iter().map(|p| amounts::extract(&p.article.text, &p.doc)).collect()
                } else {
                    vec![Vec::new(); prepared.len()]
                };
                (found, t.elapsed())
            });
            let t = Instant::now();
            let entities = match &self.ner {
                Some(model) => {
                    let docs: Vec<crate::ner::Doc> =
                        prepared.iter().map(|p| crate::ner::Doc { text: &p.article.text, tokens: &p.doc }).collect();
                    model.predict(&docs)
                }
                None => Ok(vec![Vec::new(); prepared.len()]),
            };
            stats.ner += t.elapsed();
            (entities, amounts.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
        });
        let entities = entities?;
        stats.amounts += amounts_time;

        let t = Instant::now();
        for ((p, ents), amts) in prepared.iter().zip(&entities).zip(&amounts) {
            for row in rows_for(&p.article, &p.doc, ents, amts) {
                table.write(&row)?;
                stats.rows += 1;
            }
        }
        stats.write += t.elapsed();
        Ok(())
    }
}

/// The table rows of one article, ordered by offset.
pub fn rows_for(article: &Article, doc: &Tokenized, entities: &[Entity], amounts: &[Amount]) -> Vec<Row> {
    let text = &article.text;
    let sentence_text = |i: usize| text[doc.sentence_bytes(i)].to_string();
    // Code-point offsets → byte offsets, computed once per article.
    let byte_of = |chars: usize| -> usize {
        let t = doc.tokens.partition_point(|t| t.start < chars);
        match doc.tokens.get(t) {
            Some(tok) if tok.start == chars => tok.byte_start,
            _ => {
                let prev = &doc.tokens[t.saturating_sub(1)];
                if prev.end == chars {
                    prev.byte_end
                } else {
                    text.char_indices().nth(chars).map_or(text.len(), |(b, _)| b)
                }
            }
        }
    };
    let span = |start: usize, end: usize| text[byte_of(start)..byte_of(end)].to_string();
    let mut rows = Vec::with_capacity(entities.len() + amounts.len());
    for e in entities {
        rows.push(Row {
            doc_id: article.id.clone(),
            sentence: e.sentence,
            start: e.start,
            end: e.end,
            text: span(e.start, e.end),
            kind: e.label.clone(),
            value: String::new(),
            value_high: String::new(),
            unit: String::new(),
            score: format!("{:.4}", e.score),
            source: "ner".into(),
            context_entities: String::new(),
            sentence_text: sentence_text(e.sentence),
        });
    }
    for a in amounts {
        let context: Vec<String> = entities
            .iter()
            .filter(|e| e.sentence == a.sentence)
            .map(|e| format!("{}|{}", span(e.start, e.end), e.label))
            .collect();
        rows.push(Row {
            doc_id: article.id.clone(),
            sentence: a.sentence,
            start: a.start,
            end: a.end,
            text: span(a.start, a.end),
            kind: a.kind.as_str().into(),
            value: a.value.to_string(),
            value_high: a.value_high.map(|v| v.to_string()).unwrap_or_default(),
            unit: a.unit.into(),
            score: String::new(),
            source: "amounts".into(),
            context_entities: context.join(";"),
            sentence_text: sentence_text(a.sentence),
        });
    }
    rows.sort_by(|a, b| (a.start, a.end, &a.source).cmp(&(b.start, b.end, &b.source)));
    rows
}

/// Peak resident set size of this process in bytes (Linux `VmHWM`), if known.
pub fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
