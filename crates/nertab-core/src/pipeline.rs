//! The data path: articles → [`tokenize`] → [`extract`]ors → rows →
//! a [`RowSink`].
//!
//! Articles are processed in chunks so memory stays bounded on any corpus: a chunk is tokenized in parallel (rayon),
//! then the extractors run beside each other over the same chunk: the first (NER: libtorch has its own intra-op
//! threads) on the calling thread, each other one on a scoped thread of its own, from which it uses the rayon pool.
//! Their mentions are then combined per document (amounts inside names dropped, context entities) and leave as rows in input order, then offset
//! order, whatever the thread count.

use std::time::{Duration, Instant};

use rayon::prelude::*;
use thiserror::Error;

use crate::corpus::{Article, CorpusError};
use crate::extract::{self, Doc, ExtractError, Extractor, Mention};
use crate::output::{OutputError, Row, RowSink};
use crate::tokenize::{self, Tokenized};

/// Why a run ended early.
#[derive(Debug, Error)]
pub enum PipelineError {
    /// An input that could not be read (not one that is skipped).
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    /// An extractor that failed (the NER model).
    #[error(transparent)]
    Extract(#[from] ExtractError),
    /// A table that could not be written.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// Under `--strict`, an input that would have been skipped. `streamed`: the stream (stdout, a FIFO) that already
    /// has the rows before it, and how many; `None` when the table is a file, which is then not written or replaced.
    #[error("{error} (--strict: stopped, {})", strict_outcome(.streamed.as_ref()))]
    Strict {
        /// The input that would have been skipped.
        error: CorpusError,
        /// Where the rows before it went, and how many, when they were streamed.
        streamed: Option<(String, u64)>,
    },
}

/// What a `--strict` stop leaves behind, said truly: nothing, or the rows already streamed.
fn strict_outcome(streamed: Option<&(String, u64)>) -> String {
    match streamed {
        None => "no table written or replaced".into(),
        Some((to, 0)) => format!("no row was streamed to {to} before it; no file written or replaced"),
        Some((to, 1)) => format!("the row before it was already streamed to {to}; no file written or replaced"),
        Some((to, rows)) => {
            format!("the {rows} rows before it were already streamed to {to}; no file written or replaced")
        }
    }
}

/// Counts and stage timings of a run, for `--stats`.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Articles processed.
    pub articles: u64,
    /// Files and JSONL lines skipped (reported on stderr).
    pub skipped: u64,
    /// Bytes of article text, as decoded.
    pub bytes: u64,
    /// Sentences of all articles.
    pub sentences: u64,
    /// Words of all articles.
    pub words: u64,
    /// Rows written.
    pub rows: u64,
    /// Time spent reading articles.
    pub read: Duration,
    /// Time spent tokenizing.
    pub tokenize: Duration,
    /// Time spent in each extractor, by name, in the order they ran (they run beside each other).
    pub extract: Vec<(&'static str, Duration)>,
    /// Time spent building rows and handing them to the sink.
    pub write: Duration,
}

impl Stats {
    /// Time spent in the extractor `name` (zero if it did not run).
    pub fn extract_time(&self, name: &str) -> Duration {
        self.extract.iter().filter(|(n, _)| *n == name).map(|(_, t)| *t).sum()
    }

    fn add_extract_time(&mut self, name: &'static str, t: Duration) {
        match self.extract.iter_mut().find(|(n, _)| *n == name) {
            Some((_, total)) => *total += t,
            None => self.extract.push((name, t)),
        }
    }
}

/// What to extract, and how.
///
/// ```
/// use nertab_core::corpus::Article;
/// use nertab_core::extract::amounts::AmountsExtractor;
/// use nertab_core::output::{OutputError, Row, RowSink};
/// use nertab_core::pipeline::{Pipeline, PipelineError, Stats};
///
/// /// A sink that keeps each row's document and text (the command line writes CSV, JSONL or a workbook).
/// #[derive(Default)]
/// struct Kept(Vec<String>);
///
/// impl RowSink for Kept {
///     fn write(&mut self, row: &Row<'_>) -> Result<(), OutputError> {
///         self.0.push(format!("{}: {}", row.doc_id, row.text));
///         Ok(())
///     }
///
///     fn finish(self: Box<Self>) -> Result<u64, OutputError> {
///         Ok(self.0.len() as u64)
///     }
/// }
///
/// let article = |id: &str, text: &str| Ok(Article { id: id.into(), title: String::new(), text: text.into() });
/// let articles = vec![article("a", "Shares rose 3% to $40."), article("b", "No amounts here.")];
/// let mut pipeline = Pipeline { extractors: vec![Box::new(AmountsExtractor)], chunk: 64, strict: false };
/// let (mut kept, mut stats) = (Kept::default(), Stats::default());
/// pipeline.run(articles.into_iter(), &mut kept, &mut stats)?;
/// assert_eq!(kept.0, ["a: 3%", "a: $40"]);
/// assert_eq!(stats.articles, 2);
/// # Ok::<(), PipelineError>(())
/// ```
pub struct Pipeline {
    /// The extractors, in the order they run (see the module doc); the command line builds them by name with
    /// `nertab::extract::build`.
    pub extractors: Vec<Box<dyn Extractor>>,
    /// Articles per chunk.
    pub chunk: usize,
    /// Fail on the first skipped file or line instead of reporting it.
    pub strict: bool,
}

/// What the input has for the next chunk.
enum Next {
    /// An article, or an input that could not be used.
    Item(Result<Article, CorpusError>),
    /// Nothing right now (only when not asked to wait).
    Stalled,
    /// Nothing more.
    End,
}

struct Prepared {
    article: Article,
    doc: Tokenized,
}

impl Pipeline {
    /// Runs every article through the extractors and writes the rows, in chunks of [`chunk`](Self::chunk)
    /// articles. Unusable files and JSONL lines are reported and skipped (or end the run under `strict`); any other
    /// input, extractor or output error ends the run. The sink is [flushed](RowSink::flush) after every chunk.
    pub fn run<I>(&mut self, articles: I, sink: &mut dyn RowSink, stats: &mut Stats) -> Result<(), PipelineError>
    where
        I: Iterator<Item = Result<Article, CorpusError>>,
    {
        let mut articles = articles;
        self.run_from(
            |_wait| match articles.next() {
                Some(item) => Next::Item(item),
                None => Next::End,
            },
            sink,
            stats,
        )
    }

    /// Like [`run`](Self::run), for input that arrives over time (JSONL on stdin from a producer, `RDD.pipe`): the
    /// articles are read on a thread of their own, and a chunk is what has arrived when the pipeline is ready for
    /// it, at least one article and at most [`chunk`](Self::chunk). So a row appears as soon as its article has been
    /// processed, not when 64 more have arrived or the input ends. Rows keep input order.
    pub fn run_streaming<I>(
        &mut self,
        articles: I,
        sink: &mut dyn RowSink,
        stats: &mut Stats,
    ) -> Result<(), PipelineError>
    where
        I: Iterator<Item = Result<Article, CorpusError>> + Send + 'static,
    {
        use std::sync::mpsc::{sync_channel, RecvError, TryRecvError};
        // Bounded, so a fast producer does not fill memory ahead of the model. The reader thread is not joined: if
        // the run ends first (an error, a closed output), it may be blocked reading stdin, and the process exits.
        let (tx, rx) = sync_channel(self.chunk.max(1) * 2);
        std::thread::Builder::new()
            .name("reader".into())
            .spawn(move || {
                for item in articles {
                    if tx.send(item).is_err() {
                        break;
                    }
                }
            })
            .map_err(|e| CorpusError::Io { path: "<stdin>".into(), source: e })?;
        self.run_from(
            |wait| {
                if wait {
                    match rx.recv() {
                        Ok(item) => Next::Item(item),
                        Err(RecvError) => Next::End,
                    }
                } else {
                    match rx.try_recv() {
                        Ok(item) => Next::Item(item),
                        Err(TryRecvError::Empty) => Next::Stalled,
                        Err(TryRecvError::Disconnected) => Next::End,
                    }
                }
            },
            sink,
            stats,
        )
    }

    /// The chunking loop: `next(wait)` gives the next input, blocking for it only if `wait` (the chunk is empty).
    fn run_from(
        &mut self,
        mut next: impl FnMut(bool) -> Next,
        sink: &mut dyn RowSink,
        stats: &mut Stats,
    ) -> Result<(), PipelineError> {
        loop {
            let t = Instant::now();
            let mut chunk = Vec::with_capacity(self.chunk);
            let mut ended = false;
            while chunk.len() < self.chunk.max(1) {
                let item = match next(chunk.is_empty()) {
                    Next::Item(item) => item,
                    Next::Stalled => break,
                    Next::End => {
                        ended = true;
                        break;
                    }
                };
                match item {
                    Ok(a) => chunk.push(a),
                    Err(error) if error.is_skip() && self.strict => {
                        let streamed = sink.streamed_to().map(|to| (to.to_string(), stats.rows));
                        return Err(PipelineError::Strict { error, streamed });
                    }
                    Err(e) if e.is_skip() => {
                        tracing::warn!("{e}, skipped");
                        stats.skipped += 1;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            stats.read += t.elapsed();
            if !chunk.is_empty() {
                self.run_chunk(chunk, sink, stats)?;
                sink.flush()?;
            }
            if ended {
                return Ok(());
            }
        }
    }

    fn run_chunk(
        &mut self,
        chunk: Vec<Article>,
        sink: &mut dyn RowSink,
        stats: &mut Stats,
    ) -> Result<(), PipelineError> {
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

        let docs: Vec<Doc<'_>> = prepared.iter().map(|p| Doc { text: &p.article.text, tokens: &p.doc }).collect();
        let mut mentions: Vec<Vec<Mention>> = (0..docs.len()).map(|_| Vec::new()).collect();
        for (name, found, time) in run_extractors(&mut self.extractors, &docs) {
            stats.add_extract_time(name, time);
            let found = found?;
            if found.len() != docs.len() {
                return Err(ExtractError::Count { name, got: found.len(), expected: docs.len() }.into());
            }
            for (all, more) in mentions.iter_mut().zip(found) {
                all.extend(more);
            }
        }

        // Where the extractors meet: an amount inside a name ("50 Cent") is no amount.
        for (p, mentions) in prepared.iter().zip(mentions.iter_mut()) {
            extract::reconcile::drop_amounts_inside_names(&p.article.text, &p.doc, mentions);
        }

        let t = Instant::now();
        for (p, mentions) in prepared.iter().zip(&mentions) {
            for row in rows_for(&p.article, &p.doc, mentions) {
                sink.write(&row)?;
                stats.rows += 1;
            }
        }
        stats.write += t.elapsed();
        Ok(())
    }
}

/// What one extractor returned for a chunk, and how long it took.
type Found = (&'static str, Result<Vec<Vec<Mention>>, ExtractError>, Duration);

/// Runs every extractor over `docs` at the same time: the first on this thread, each other one on a scoped thread.
/// Results come back in extractor order.
fn run_extractors(extractors: &mut [Box<dyn Extractor>], docs: &[Doc<'_>]) -> Vec<Found> {
    let timed = |e: &dyn Extractor| {
        let t = Instant::now();
        let found = e.extract(docs);
        (e.name(), found, t.elapsed())
    };
    let Some((first, rest)) = extractors.split_first_mut() else {
        return Vec::new();
    };
    std::thread::scope(|s| {
        // `&mut` (not `&`) so that an extractor need only be `Send`, not `Sync`, to run on another thread.
        let others: Vec<_> = rest.iter_mut().map(|e| s.spawn(move || timed(&**e))).collect();
        let mut found = vec![timed(&**first)];
        found.extend(others.into_iter().map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))));
        found
    })
}

/// The table rows of one article from all its mentions (in extractor order), ordered by offset, then source.
pub fn rows_for<'a>(article: &'a Article, doc: &Tokenized, mentions: &'a [Mention]) -> Vec<Row<'a>> {
    let text = article.text.as_str();
    let context = extract::context_entities(text, doc, mentions);
    let mut rows: Vec<Row<'a>> = mentions
        .iter()
        .zip(context)
        .map(|(m, context_entities)| Row {
            doc_id: &article.id,
            sentence: m.sentence,
            start: m.start,
            end: m.end,
            text: extract::span_text(text, doc, m.start, m.end),
            kind: &m.label,
            value: m.value,
            value_high: m.value_high,
            unit: m.unit.as_deref(),
            score: m.score,
            source: m.source,
            context_entities,
            sentence_text: &text[doc.sentence_bytes(m.sentence)],
        })
        .collect();
    rows.sort_by(|a, b| (a.start, a.end, a.source).cmp(&(b.start, b.end, b.source)));
    rows
}

/// Peak resident set size of this process in bytes (Linux `VmHWM`), if known.
pub fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
