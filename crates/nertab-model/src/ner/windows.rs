//! From tokenized documents to model inputs: word pieces with casing types, windows, batches.
//!
//! Text longer than the model window is cut into *focus* chunks of at most half a window, each run inside a window
//! extended with the words around it, so every word is labelled exactly once and with context on both sides: no
//! entity is lost or split at a window boundary. A model trained with document context gets whole sentences packed
//! into one focus, with that many pieces of the document on each side. Training plans its windows with this same
//! code ([`Inputs`]), so the model learns on windows like the ones it labels.

use std::ops::Range;

use tch::Tensor;

use super::{Casing, NerError, NerOptions, Shapes};
use nertab_core::tokenize::{Doc, Tokenized, WordPieceTokenizer};

/// Turns documents into model inputs: the tokenizer and what token types carry. Inference
/// ([`super::NerModel`]) and training both use it.
pub struct Inputs {
    tokenizer: WordPieceTokenizer,
    casing: Casing,
}

impl Inputs {
    /// Inputs for a model with this tokenizer; `casing` as the model's config says ([`ModelConfig::casing_input`](crate::model::ModelConfig::casing_input)).
    pub fn new(tokenizer: WordPieceTokenizer, casing: Casing) -> Inputs {
        Inputs { tokenizer, casing }
    }

    /// Encodes documents and plans the windows that cover them (see the module docs).
    pub fn prepare(&self, docs: &[Doc], options: &NerOptions) -> Result<Prepared, NerError> {
        let mut encoded = Vec::with_capacity(docs.len());
        let mut windows = Vec::new();
        for (d, doc) in docs.iter().enumerate() {
            let enc = self.encode_doc(doc)?;
            windows.extend(plan_windows(d, doc.tokens, &enc, options));
            encoded.push(enc);
        }
        Ok(Prepared { encoded, windows })
    }

    fn encode_doc(&self, doc: &Doc) -> Result<EncodedDoc, NerError> {
        let (text, doc) = (doc.text, doc.tokens);
        let mut enc = EncodedDoc { ids: Vec::new(), types: Vec::new(), token_start: vec![0; doc.tokens.len() + 1] };
        for s in &doc.sentences {
            let words: Vec<&str> = doc.tokens[s.tokens.clone()].iter().map(|t| t.text(text)).collect();
            let pieces = self.tokenizer.encode_words(&words)?;
            let classes = self.casing.classes(&words);
            let mut p = 0;
            for (w, &class) in classes.iter().enumerate() {
                enc.token_start[s.tokens.start + w] = enc.ids.len();
                while p < pieces.ids.len() && pieces.word_of[p] == w {
                    enc.ids.push(pieces.ids[p]);
                    enc.types.push(class);
                    p += 1;
                }
            }
        }
        enc.token_start[doc.tokens.len()] = enc.ids.len();
        Ok(enc)
    }

    /// Input tensors for a batch of windows, padded to the longest.
    pub fn batch_tensors(&self, batch: &[&Window], encoded: &[EncodedDoc]) -> Result<BatchTensors, NerError> {
        let width = batch.iter().map(|w| w.len(&encoded[w.doc]) + 2).max().unwrap_or(2);
        self.shaped_tensors(batch, encoded, Shape { rows: batch.len(), width })
    }

    /// Input tensors for a batch of windows in a given shape: rows past the windows hold an empty sequence
    /// (`[CLS] [SEP]`), and every row is padded to `shape.width`.
    pub fn shaped_tensors(
        &self,
        batch: &[&Window],
        encoded: &[EncodedDoc],
        shape: Shape,
    ) -> Result<BatchTensors, NerError> {
        let Shape { rows, width } = shape;
        let rows = rows.max(batch.len());
        let width = width.max(2);
        let mut ids = vec![self.tokenizer.pad_id(); rows * width];
        let mut types = vec![0i64; rows * width];
        let mut mask = vec![0i64; rows * width];
        for r in 0..rows {
            let pieces = match batch.get(r) {
                Some(w) => {
                    let enc = &encoded[w.doc];
                    let pieces = enc.token_start[w.window.start]..enc.token_start[w.window.end];
                    let start = r * width + 1;
                    ids[start..start + pieces.len()].copy_from_slice(&enc.ids[pieces.clone()]);
                    types[start..start + pieces.len()].copy_from_slice(&enc.types[pieces.clone()]);
                    pieces.len()
                }
                None => 0,
            };
            ids[r * width] = self.tokenizer.cls_id();
            ids[r * width + pieces + 1] = self.tokenizer.sep_id();
            mask[r * width..r * width + pieces + 2].fill(1);
        }
        let dims = [rows as i64, width as i64];
        Ok(BatchTensors {
            ids: Tensor::f_from_slice(&ids)?.f_view(dims)?,
            types: Tensor::f_from_slice(&types)?.f_view(dims)?,
            mask: Tensor::f_from_slice(&mask)?.f_view(dims)?,
            width,
        })
    }
}

/// A batch's shape: rows, and the width of every row (special tokens and padding included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Rows (windows, plus empty rows in a fixed shape).
    pub rows: usize,
    /// Pieces per row.
    pub width: usize,
}

/// Windows run together, in the shape they are run in.
pub struct Batch<'a> {
    /// The windows, one per row from the first.
    pub windows: Vec<&'a Window>,
    /// The tensor shape.
    pub shape: Shape,
}

/// The first piece of a focus word in a batch: which word of which document, and where its first piece sits in
/// the `[rows, width]` batch (row-major index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordSlot {
    /// Document index in the prepared set.
    pub doc: usize,
    /// Token (word) index in that document.
    pub token: usize,
    /// Row-major index of the word's first piece in the batch.
    pub index: usize,
}

/// Pieces of one document, flat, with the first piece of each token.
pub struct EncodedDoc {
    ids: Vec<i64>,
    types: Vec<i64>,
    /// `token_start[t]..token_start[t + 1]` are token `t`'s pieces.
    token_start: Vec<usize>,
}

impl EncodedDoc {
    /// Number of pieces of tokens `tokens`.
    pub fn pieces(&self, tokens: Range<usize>) -> usize {
        self.token_start[tokens.end] - self.token_start[tokens.start]
    }
}

/// Tokens `window` go to the model; the labels of tokens `focus` are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// Document index in the prepared set.
    pub doc: usize,
    /// Tokens fed to the model.
    pub window: Range<usize>,
    /// Tokens whose labels are kept (inside `window`).
    pub focus: Range<usize>,
}

impl Window {
    /// Pieces in the window, without special tokens.
    pub fn len(&self, enc: &EncodedDoc) -> usize {
        enc.pieces(self.window.clone())
    }

    /// `(token, position in the model input row)` of the first piece of each focus token that has pieces.
    pub fn first_pieces<'a>(&'a self, enc: &'a EncodedDoc) -> impl Iterator<Item = (usize, usize)> + 'a {
        let base = enc.token_start[self.window.start];
        self.focus
            .clone()
            .filter(|&t| enc.token_start[t] < enc.token_start[t + 1])
            .map(move |t| (t, 1 + enc.token_start[t] - base))
    }
}

/// Model inputs for one batch.
pub struct BatchTensors {
    /// Piece ids `[rows, width]`.
    pub ids: Tensor,
    /// Token-type ids (casing classes) `[rows, width]`.
    pub types: Tensor,
    /// Attention mask `[rows, width]`: 1 for real pieces.
    pub mask: Tensor,
    /// Row length, special tokens and padding included.
    pub width: usize,
}

/// Encoded documents and the windows over them.
pub struct Prepared {
    /// Each document's pieces.
    pub encoded: Vec<EncodedDoc>,
    /// Windows covering every word once as focus.
    pub windows: Vec<Window>,
}

impl Prepared {
    /// The batches the model runs, in `options.shapes`: each at most `options.batch_pieces` pieces with padding.
    pub fn batches(&self, options: &NerOptions) -> Vec<Batch<'_>> {
        match options.shapes {
            Shapes::Tight => self.tight_batches(options.batch_pieces),
            Shapes::Fixed => self.fixed_batches(options.batch_pieces, options.max_len),
        }
    }

    /// Windows of similar length, padded to the longest of each batch. Sorting by length keeps padding small.
    fn tight_batches(&self, max_pieces: usize) -> Vec<Batch<'_>> {
        let mut order: Vec<&Window> = self.windows.iter().collect();
        order.sort_by_key(|w| w.len(&self.encoded[w.doc]));
        let mut out: Vec<Batch> = Vec::new();
        let mut cur: Vec<&Window> = Vec::new();
        let mut width = 2;
        for w in order {
            let w_width = w.len(&self.encoded[w.doc]) + 2;
            if !cur.is_empty() && w_width * (cur.len() + 1) > max_pieces {
                out.push(Batch { shape: Shape { rows: cur.len(), width }, windows: std::mem::take(&mut cur) });
            }
            width = w_width;
            cur.push(w);
        }
        if !cur.is_empty() {
            out.push(Batch { shape: Shape { rows: cur.len(), width }, windows: cur });
        }
        out
    }

    /// Windows grouped by a width that depends only on their own length ([`bucket_width`]), each group in batches
    /// of one fixed row count for that width (`max_pieces / width`; the last batch is filled with empty rows).
    ///
    /// Why: the numeric kernels choose their blocking, and so their order of summation, from a tensor's shape. With
    /// batches padded to their longest window, a sentence's scores depended (in the last bits, and through int8
    /// rounding and bf16 sometimes in the third decimal) on which other sentences happened to share its batch. Here a
    /// window always runs in the same shape, whatever the corpus around it.
    fn fixed_batches(&self, max_pieces: usize, max_len: usize) -> Vec<Batch<'_>> {
        let width_of = |w: &Window| bucket_width(w.len(&self.encoded[w.doc]) + 2, max_len);
        let mut order: Vec<(usize, &Window)> = self.windows.iter().map(|w| (width_of(w), w)).collect();
        order.sort_by_key(|&(width, _)| width);
        let mut out: Vec<Batch> = Vec::new();
        for group in order.chunk_by(|a, b| a.0 == b.0) {
            let width = group[0].0;
            let rows = (max_pieces / width).max(1);
            for chunk in group.chunks(rows) {
                out.push(Batch { windows: chunk.iter().map(|&(_, w)| w).collect(), shape: Shape { rows, width } });
            }
        }
        out
    }
}

/// The width a window of `len` pieces (special tokens included) runs at in fixed shapes: rounded up to a multiple of
/// 4 up to 32 pieces, of 8 up to 64, of 16 up to 128, then of 32; never below `len`, and not above `max_len` unless
/// `len` is. Coarser steps for longer windows keep the padding near a tenth of the pieces while the number of
/// distinct shapes (and so of partly filled last batches) stays small.
pub fn bucket_width(len: usize, max_len: usize) -> usize {
    let step = match len {
        0..=32 => 4,
        33..=64 => 8,
        65..=128 => 16,
        _ => 32,
    };
    len.div_ceil(step).saturating_mul(step).min(max_len).max(len)
}

/// Focus groups: each sentence alone without context; with context, consecutive whole sentences packed while they
/// and the context on both sides fit the window.
///
/// Packing is what makes context affordable: one sentence per window with 64 pieces of context on each side feeds
/// the model about six times the pieces of the sentence alone; packing brings that down to about twice. Training
/// plans its windows with the same code, so the model learns on windows like the ones it labels.
fn focus_groups(doc: &Tokenized, enc: &EncodedDoc, opts: &NerOptions, room: usize) -> Vec<Range<usize>> {
    let pieces = |r: Range<usize>| enc.pieces(r);
    let budget = room.saturating_sub(2 * opts.context);
    let mut groups: Vec<Range<usize>> = Vec::with_capacity(doc.sentences.len());
    for s in &doc.sentences {
        match groups.last_mut() {
            Some(g) if opts.context > 0 && g.end == s.tokens.start && pieces(g.start..s.tokens.end) <= budget => {
                g.end = s.tokens.end;
            }
            _ => groups.push(s.tokens.clone()),
        }
    }
    groups
}

/// Windows covering every token of every sentence once as focus.
fn plan_windows(d: usize, doc: &Tokenized, enc: &EncodedDoc, opts: &NerOptions) -> Vec<Window> {
    let room = opts.max_len.saturating_sub(2).max(2);
    let pieces = |r: Range<usize>| enc.pieces(r);
    let mut out = Vec::new();
    for group in focus_groups(doc, enc, opts, room) {
        let bounds = if opts.context > 0 { 0..doc.tokens.len() } else { group.clone() };
        // Focus chunks of at most half the room (the whole group when it fits the window).
        let chunk_room = if pieces(group.clone()) <= room { room } else { room / 2 };
        let mut f = group.start;
        while f < group.end {
            let mut fe = f + 1;
            while fe < group.end && pieces(f..fe + 1) <= chunk_room {
                fe += 1;
            }
            let target = (pieces(f..fe) + 2 * opts.context).max(if chunk_room < room { room } else { 0 }).min(room);
            let (mut ws, mut we) = (f, fe);
            loop {
                let mut grew = false;
                if we < bounds.end && pieces(ws..we + 1) <= target {
                    we += 1;
                    grew = true;
                }
                if ws > bounds.start && pieces(ws - 1..we) <= target {
                    ws -= 1;
                    grew = true;
                }
                if !grew {
                    break;
                }
            }
            // A single token longer than the room still gets a window (cut to the room below).
            out.push(Window { doc: d, window: ws..we, focus: f..fe });
            f = fe;
        }
    }
    // Keep every window within the model's room, whatever a single token's length.
    for w in &mut out {
        while pieces(w.window.clone()) > room && w.window.end > w.focus.end {
            w.window.end -= 1;
        }
        while pieces(w.window.clone()) > room && w.window.start < w.focus.start {
            w.window.start += 1;
        }
        while pieces(w.window.clone()) > room && w.focus.end - w.focus.start > 1 {
            w.focus.end -= 1;
            w.window.end = w.focus.end;
        }
    }
    // Tokens dropped from a focus above get windows of their own.
    let mut fixed = Vec::with_capacity(out.len());
    let mut next = 0;
    for w in out {
        if w.focus.start > next {
            for t in next..w.focus.start {
                fixed.push(Window { doc: d, window: t..t + 1, focus: t..t + 1 });
            }
        }
        next = w.focus.end;
        fixed.push(w);
    }
    fixed.retain(|w| pieces(w.window.clone()) <= room);
    fixed
}

/// Every focus word of a batch that has pieces. Labelling, distillation and training's gold labels all read the batch
/// through it.
pub fn batch_words<'a>(
    batch: &'a [&'a Window],
    encoded: &'a [EncodedDoc],
    width: usize,
) -> impl Iterator<Item = WordSlot> + 'a {
    batch.iter().enumerate().flat_map(move |(r, &w)| {
        w.first_pieces(&encoded[w.doc]).map(move |(token, pos)| WordSlot { doc: w.doc, token, index: r * width + pos })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use nertab_core::tokenize::{Sentence, Token};

    fn enc_for(pieces_per_token: &[usize]) -> EncodedDoc {
        let mut token_start = vec![0];
        for p in pieces_per_token {
            token_start.push(token_start.last().unwrap() + p);
        }
        let n = *token_start.last().unwrap();
        EncodedDoc { ids: vec![1; n], types: vec![0; n], token_start }
    }

    #[test]
    fn windows_cover_every_token_once_with_context() {
        let n = 300;
        let tok = Token { start: 0, end: 1, byte_start: 0, byte_end: 1 };
        let doc = Tokenized {
            tokens: vec![tok; n],
            sentences: vec![Sentence { tokens: 0..10 }, Sentence { tokens: 10..290 }, Sentence { tokens: 290..300 }],
        };
        let per: Vec<usize> = (0..n).map(|i| 1 + i % 3).collect();
        let enc = enc_for(&per);
        for context in [0, 16] {
            let opts = NerOptions { max_len: 64, context, batch_pieces: 1024, ..Default::default() };
            let windows = plan_windows(0, &doc, &enc, &opts);
            let mut seen = vec![0; n];
            for w in &windows {
                assert!(w.len(&enc) <= 62, "{w:?}");
                assert!(w.window.start <= w.focus.start && w.focus.end <= w.window.end);
                for t in w.focus.clone() {
                    seen[t] += 1;
                }
                if context == 0 {
                    let s = doc.sentence_of(w.focus.start);
                    assert!(
                        doc.sentences[s].tokens.start <= w.window.start && w.window.end <= doc.sentences[s].tokens.end
                    );
                }
                // Long-sentence chunks inside the sentence have context on both sides.
                if w.focus.start > 20 && w.focus.end < 280 {
                    assert!(w.window.start < w.focus.start && w.focus.end < w.window.end, "{w:?}");
                }
            }
            assert!(seen.iter().all(|&c| c == 1));
        }
    }

    #[test]
    fn context_packs_whole_sentences_between_context_on_both_sides() {
        // 40 sentences of 5 tokens, 2 pieces each: 10 pieces a sentence.
        let n = 200;
        let tok = Token { start: 0, end: 1, byte_start: 0, byte_end: 1 };
        let sentences = (0..n / 5).map(|i| Sentence { tokens: i * 5..i * 5 + 5 }).collect();
        let doc = Tokenized { tokens: vec![tok; n], sentences };
        let enc = enc_for(&vec![2; n]);
        let opts = NerOptions { max_len: 66, context: 12, batch_pieces: 1024, ..Default::default() };
        let windows = plan_windows(0, &doc, &enc, &opts);
        // Room 64, context 12 + 12: 40 pieces of focus, four whole sentences per window.
        assert_eq!(windows.len(), 10, "{windows:?}");
        let mut seen = vec![0; n];
        for w in &windows {
            assert_eq!(w.focus.start % 5, 0, "focus starts mid-sentence: {w:?}");
            assert_eq!(w.focus.end - w.focus.start, 20, "{w:?}");
            assert!(w.len(&enc) <= 64, "{w:?}");
            let before = 2 * (w.focus.start - w.window.start);
            let after = 2 * (w.window.end - w.focus.end);
            // At least the context on each side, less only at the document's ends (where the other side gets more).
            assert!(before >= 12 || w.window.start == 0, "{w:?}");
            assert!(after >= 12 || w.window.end == n, "{w:?}");
            seen[w.focus.clone()].iter_mut().for_each(|c| *c += 1);
        }
        assert!(seen.iter().all(|&c| c == 1));
        // Without context every sentence is its own window.
        let alone = plan_windows(0, &doc, &enc, &NerOptions { context: 0, ..opts });
        assert_eq!(alone.len(), 40);
    }

    #[test]
    fn bucket_widths_grow_in_steps_and_never_cut_a_window() {
        let widths: Vec<usize> = [1, 3, 4, 5, 32, 33, 40, 65, 129, 250, 256, 300].map(|n| bucket_width(n, 256)).into();
        assert_eq!(widths, [4, 4, 4, 8, 32, 40, 40, 80, 160, 256, 256, 300]);
    }

    /// Fixed shapes: every window in exactly one batch, every batch of one width has the same row count, and a
    /// window's shape does not change when other windows are added.
    #[test]
    fn fixed_batches_depend_only_on_each_windows_length() {
        let lengths = [3, 7, 7, 20, 31, 33, 90, 5, 6, 64, 3];
        let enc = enc_for(&lengths);
        let windows: Vec<Window> =
            (0..lengths.len()).map(|t| Window { doc: 0, window: t..t + 1, focus: t..t + 1 }).collect();
        let opts = NerOptions { batch_pieces: 64, ..Default::default() };
        let shape_of = |windows: Vec<Window>| {
            let prepared = Prepared { encoded: vec![enc_for(&lengths)], windows };
            let mut seen = std::collections::HashMap::new();
            for b in prepared.batches(&opts) {
                assert!(b.windows.len() <= b.shape.rows);
                assert_eq!(b.shape.rows, (64 / b.shape.width).max(1));
                for w in &b.windows {
                    assert!(b.shape.width >= enc.pieces(w.window.clone()) + 2);
                    assert!(seen.insert(w.window.start, b.shape).is_none(), "window in two batches");
                }
            }
            seen
        };
        let all = shape_of(windows.clone());
        assert_eq!(all.len(), lengths.len());
        let few = shape_of(windows[..3].to_vec());
        for (t, shape) in few {
            assert_eq!(all[&t], shape);
        }
    }
}
