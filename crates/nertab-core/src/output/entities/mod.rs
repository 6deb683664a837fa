//! The corpus-level entity table: one row per entity (`type, name, aliases, mentions, documents, …`), built from
//! the mention rows as they pass to the table's sink.
//!
//! Why a sink wrapper ([`EntitySink`]) and not a pipeline stage: the pipeline already hands every row to one
//! [`RowSink`] in input order, so an aggregate that sees every row on its way needs no change anywhere else, and
//! works under any output format.
//!
//! Memory: rows arrive one document at a time (input order), so a document's mentions are kept only until the
//! next document starts; there its short forms are resolved ([`names`]) and each of its entities is folded into
//! one aggregate per distinct entity of the corpus (counts, score sum, surface forms, at most [`MAX_AMOUNTS`]
//! amounts). Nothing is kept per mention, so memory grows with the number of distinct entities, not of mentions.
//! Acronyms whose long form is in another document are merged once the corpus is read, in [`EntityTable::finish`].
//!
//! `documents` counts distinct documents exactly: a document that holds both an acronym and its long form merged
//! them already, so two aggregates merged at the end never share a document.

pub mod names;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use rust_decimal::Decimal;
use serde::Serialize;

use super::{cells, Format, Options, OutputError, Record, Row, RowSink, Table, TableFile};
use names::Form;

/// The entity table's columns, in order (`type`, `name`, `aliases`, `mentions`, `documents`, `first_doc`,
/// `mean_score`, `amounts`, `amount_mentions`): the fields of [`EntityRow`] under their serde names.
pub static ENTITY_COLUMNS: LazyLock<Vec<&'static str>> = LazyLock::new(|| cells::columns(&EntityRow::default()));

impl Record for EntityRow {
    const SHEET: &'static str = "entities";
    const LABEL: &'static str = "entities";
    const WIDTHS: &'static [f64] = &[6.0, 28.0, 36.0, 10.0, 10.0, 26.0, 11.0, 40.0, 15.0];
    /// The entity JSONL has had alphabetical keys since it was introduced (a `serde_json` map); kept, so that its
    /// files stay as they were.
    const SORTED_JSON_KEYS: bool = true;

    fn columns() -> &'static [&'static str] {
        &ENTITY_COLUMNS
    }
}

/// Distinct amounts listed per entity (the `amounts` column); `amount_mentions` counts them all.
pub const MAX_AMOUNTS: usize = 5;

/// One row of the entity table. Field order is the column order ([`ENTITY_COLUMNS`]); lists are `|`-joined in a
/// CSV or workbook cell and arrays in JSON.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct EntityRow {
    /// Entity type (`PER`, `ORG`, `LOC`, `MISC`).
    #[serde(rename = "type")]
    pub kind: String,
    /// The most frequent full form (ties: the longer, then the first seen).
    pub name: String,
    /// Every other surface form, most frequent first: case variants, short forms, acronyms.
    pub aliases: Vec<String>,
    /// Mentions of the entity in the corpus.
    pub mentions: u64,
    /// Distinct documents that mention it.
    pub documents: u64,
    /// The first document (in input order) that mentions it.
    pub first_doc: String,
    /// Mean NER confidence over its scored mentions, shown with four decimals.
    #[serde(serialize_with = "cells::mean_score")]
    pub mean_score: Option<f64>,
    /// Up to [`MAX_AMOUNTS`] distinct amounts of its sentences as `value unit` (`2000000000 USD`), first seen first.
    pub amounts: Vec<String>,
    /// Amount mentions in the sentences that mention it (each counted once per entity).
    pub amount_mentions: u64,
}

/// A mention of the current document, kept until the document ends.
struct DocMention {
    kind: String,
    form: Form,
    sentence: usize,
    score: Option<f32>,
}

/// The document being read.
#[derive(Default)]
struct DocBuffer {
    id: String,
    mentions: Vec<DocMention>,
    /// Amount mentions: sentence and `value unit` label.
    amounts: Vec<(usize, String)>,
}

/// One distinct entity of a document (or, folded, of the corpus).
#[derive(Debug, Clone, Default)]
struct Aggregate {
    /// Surface forms with their keys and counts, first seen first.
    forms: Vec<(Form, u64)>,
    mentions: u64,
    documents: u64,
    /// Input position of the first document, and its id.
    first: Option<(u64, String)>,
    score_sum: f64,
    scored: u64,
    amounts: Vec<String>,
    amount_mentions: u64,
}

impl Aggregate {
    fn add_form(&mut self, form: &Form, count: u64) {
        match self.forms.iter_mut().find(|(f, _)| f.surface == form.surface) {
            Some((_, n)) => *n += count,
            None => self.forms.push((form.clone(), count)),
        }
    }

    fn add_amount(&mut self, label: &str) {
        if self.amounts.len() < MAX_AMOUNTS && !self.amounts.iter().any(|a| a == label) {
            self.amounts.push(label.to_string());
        }
    }

    /// Adds `other`, an aggregate of other mentions (another document's, or a short form's).
    fn absorb(&mut self, other: Aggregate) {
        for (form, n) in &other.forms {
            self.add_form(form, *n);
        }
        self.mentions += other.mentions;
        self.documents += other.documents;
        if let Some(first) = other.first {
            if self.first.as_ref().is_none_or(|(mine, _)| first.0 < *mine) {
                self.first = Some(first);
            }
        }
        self.score_sum += other.score_sum;
        self.scored += other.scored;
        for a in &other.amounts {
            self.add_amount(a);
        }
        self.amount_mentions += other.amount_mentions;
    }

    fn into_row(self, kind: String, key: &str) -> EntityRow {
        let mut forms: Vec<(usize, Form, u64)> =
            self.forms.into_iter().enumerate().map(|(i, (f, n))| (i, f, n)).collect();
        let best = forms
            .iter()
            .filter(|(_, f, _)| f.key == key)
            .max_by(|a, b| {
                (a.2, a.1.surface.chars().count(), std::cmp::Reverse(a.0)).cmp(&(
                    b.2,
                    b.1.surface.chars().count(),
                    std::cmp::Reverse(b.0),
                ))
            })
            .map(|(i, _, _)| *i)
            .unwrap_or(0);
        let pos = forms.iter().position(|(i, _, _)| *i == best).unwrap_or(0);
        let name = forms.remove(pos).1.surface;
        forms.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
        EntityRow {
            kind,
            name,
            aliases: forms.into_iter().map(|(_, f, _)| f.surface).collect(),
            mentions: self.mentions,
            documents: self.documents,
            first_doc: self.first.map(|(_, id)| id).unwrap_or_default(),
            mean_score: (self.scored > 0).then(|| self.score_sum / self.scored as f64),
            amounts: self.amounts,
            amount_mentions: self.amount_mentions,
        }
    }
}

/// The `value unit` label of an amount row: `2000000000 USD`, `5000000 to 10000000 USD`, `300 %`.
pub fn amount_label(row: &Row<'_>) -> String {
    let value = |v: Decimal| v.to_string();
    let mut label = row.value.map(value).unwrap_or_else(|| row.text.to_string());
    if let Some(high) = row.value_high {
        label = format!("{label} to {}", value(high));
    }
    match row.unit {
        Some(unit) => format!("{label} {unit}"),
        None => label,
    }
}

/// Aggregates mention rows into entities. Feed it every row in order with [`add`](Self::add), then take the table
/// with [`finish`](Self::finish).
#[derive(Default)]
pub struct EntityTable {
    doc: Option<DocBuffer>,
    /// Documents started so far: the input position of the current one.
    docs: u64,
    entities: HashMap<(String, String), Aggregate>,
}

impl EntityTable {
    /// An empty table.
    pub fn new() -> EntityTable {
        EntityTable::default()
    }

    /// Takes one row: a row with a value is an amount (kept by its sentence), any other a mention of an entity.
    pub fn add(&mut self, row: &Row<'_>) {
        if self.doc.as_ref().is_none_or(|d| d.id != row.doc_id) {
            self.end_document();
            self.docs += 1;
            self.doc = Some(DocBuffer { id: row.doc_id.to_string(), ..DocBuffer::default() });
        }
        let Some(doc) = self.doc.as_mut() else { return };
        if row.value.is_some() {
            doc.amounts.push((row.sentence, amount_label(row)));
        } else if let Some(form) = Form::new(row.text) {
            doc.mentions.push(DocMention {
                kind: row.kind.to_string(),
                form,
                sentence: row.sentence,
                score: row.score,
            });
        }
    }

    /// Resolves the current document's short forms and acronyms and folds its entities into the corpus's.
    fn end_document(&mut self) {
        let Some(doc) = self.doc.take() else { return };
        for ((kind, key), entity) in resolve_document(doc, self.docs) {
            self.entities.entry((kind, key)).or_default().absorb(entity);
        }
    }

    /// Distinct entities so far (before acronyms across documents are merged).
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// Whether no entity was seen yet.
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty() && self.doc.as_ref().is_none_or(|d| d.mentions.is_empty())
    }

    /// The table: acronyms merged with their long form across documents, ordered by documents, then mentions
    /// (both descending), then type and name.
    pub fn finish(mut self) -> Vec<EntityRow> {
        self.end_document();
        let mut entities = self.entities;
        // Long forms by type and initials; an acronym merges with a unique one.
        let mut by_initials: HashMap<(String, String), Vec<String>> = HashMap::new();
        for (kind, key) in entities.keys() {
            for initials in names::initials(key) {
                by_initials.entry((kind.clone(), initials)).or_default().push(key.clone());
            }
        }
        let mut merges: Vec<((String, String), (String, String))> = Vec::new();
        for ((kind, key), entity) in &entities {
            if key.contains(' ') || !entity.forms.iter().any(|(f, _)| names::acronym_letters(&f.surface).is_some()) {
                continue;
            }
            let letters = key.to_uppercase();
            if let Some([long]) = by_initials.get(&(kind.clone(), letters)).map(Vec::as_slice) {
                merges.push(((kind.clone(), key.clone()), (kind.clone(), long.clone())));
            }
        }
        for (short, long) in merges {
            if let Some(entity) = entities.remove(&short) {
                if let Some(target) = entities.get_mut(&long) {
                    target.absorb(entity);
                }
            }
        }
        let mut rows: Vec<EntityRow> = entities.into_iter().map(|((kind, key), e)| e.into_row(kind, &key)).collect();
        rows.sort_by(|a, b| {
            (b.documents, b.mentions)
                .cmp(&(a.documents, a.mentions))
                .then_with(|| (&a.kind, &a.name).cmp(&(&b.kind, &b.name)))
        });
        rows
    }
}

/// A document's mentions of one key: type, form, aggregate, and the sentences it occurs in.
type Group = (String, Form, Aggregate, Vec<usize>);

/// One document's entities, keyed by `(type, key)`: mentions grouped by key, then one-word short forms, surnames and
/// acronyms merged into their unique longer form of the document (see [`names`]).
fn resolve_document(doc: DocBuffer, position: u64) -> Vec<((String, String), Aggregate)> {
    // Groups in first-mention order, each with the sentences it occurs in.
    let mut index: HashMap<(&str, &str), usize> = HashMap::new();
    let mut groups: Vec<Group> = Vec::new();
    for m in &doc.mentions {
        let i = *index.entry((m.kind.as_str(), m.form.key.as_str())).or_insert_with(|| {
            let first = Some((position, doc.id.clone()));
            groups.push((
                m.kind.clone(),
                m.form.clone(),
                Aggregate { documents: 1, first, ..Aggregate::default() },
                Vec::new(),
            ));
            groups.len() - 1
        });
        let (_, _, agg, sentences) = &mut groups[i];
        agg.add_form(&m.form, 1);
        agg.mentions += 1;
        if let Some(s) = m.score {
            agg.score_sum += f64::from(s);
            agg.scored += 1;
        }
        if sentences.last() != Some(&m.sentence) {
            sentences.push(m.sentence);
        }
    }
    // Where each one-word group goes: itself, or its unique longer form.
    let targets: Vec<usize> = (0..groups.len())
        .map(|i| {
            let (kind, form, _, _) = &groups[i];
            if !form.is_one_word() {
                return i;
            }
            let longer: Vec<usize> =
                (0..groups.len()).filter(|&j| groups[j].0 == *kind && !groups[j].1.is_one_word()).collect();
            let forms: Vec<&Form> = longer.iter().map(|&j| &groups[j].1).collect();
            names::acronym_target(form, &forms)
                .or_else(|| names::short_form_target(kind, form, &forms))
                .map_or(i, |k| longer[k])
        })
        .collect();
    let mut merged: Vec<Option<Group>> = groups.into_iter().map(Some).collect();
    for (i, &t) in targets.iter().enumerate() {
        if t == i {
            continue;
        }
        if let Some((_, _, agg, sentences)) = merged[i].take() {
            if let Some((_, _, target, target_sentences)) = merged[t].as_mut() {
                target.mentions += agg.mentions;
                target.score_sum += agg.score_sum;
                target.scored += agg.scored;
                for (form, n) in &agg.forms {
                    target.add_form(form, *n);
                }
                target_sentences.extend(sentences);
            }
        }
    }
    merged
        .into_iter()
        .flatten()
        .map(|(kind, form, mut agg, mut sentences)| {
            sentences.sort_unstable();
            sentences.dedup();
            for (sentence, label) in &doc.amounts {
                if sentences.binary_search(sentence).is_ok() {
                    agg.amount_mentions += 1;
                    agg.add_amount(label);
                }
            }
            ((kind, form.key), agg)
        })
        .collect()
}

/// A mention table's sink with the entity table beside it: every row goes to the inner sink and into an
/// [`EntityTable`]; on [`finish`](RowSink::finish) the entity table is written to its file (if any) and handed to
/// the inner sink as a [`Table`] (a workbook makes it a sheet), then the inner table is finished, then the entity
/// file renamed into place, so a run that fails replaces neither.
pub struct EntitySink {
    inner: Box<dyn RowSink>,
    table: EntityTable,
    file: Option<TableFile>,
}

impl EntitySink {
    /// Wraps `inner`, writing the entity table to `path` (`-`: stdout) in the format its extension names
    /// ([`Format::for_path`]); a CSV starts with a UTF-8 byte-order mark if `bom`, and always with its header. The
    /// file is opened now, so an unusable path fails before any work.
    pub fn create(inner: Box<dyn RowSink>, path: &Path, bom: bool) -> Result<EntitySink, OutputError> {
        let file = TableFile::create::<EntityRow>(path, Format::for_path(path), Options { bom, header: true })?;
        Ok(EntitySink { inner, table: EntityTable::new(), file: Some(file) })
    }

    /// Wraps `inner` with no entity file: the table only goes to the inner sink (a workbook's `entities` sheet).
    pub fn beside(inner: Box<dyn RowSink>) -> EntitySink {
        EntitySink { inner, table: EntityTable::new(), file: None }
    }

    /// The entity table's temporary file, which a process killed before `finish` must remove as well as the
    /// inner table's ([`RowSink::unfinished`]).
    pub fn entities_unfinished(&self) -> Option<PathBuf> {
        self.file.as_ref().and_then(TableFile::unfinished).map(Path::to_path_buf)
    }
}

impl RowSink for EntitySink {
    fn write(&mut self, row: &Row<'_>) -> Result<(), OutputError> {
        self.table.add(row);
        self.inner.write(row)
    }

    /// Passes the rows on to a stream (`-o -`): the entity table itself is only written when the run ends.
    fn flush(&mut self) -> Result<(), OutputError> {
        self.inner.flush()
    }

    fn finish(self: Box<Self>) -> Result<u64, OutputError> {
        let EntitySink { mut inner, table, file } = *self;
        let rows = table.finish();
        let file = match file {
            Some(mut file) => {
                for row in &rows {
                    file.write(row)?;
                }
                Some(file.complete()?.0)
            }
            None => None,
        };
        if inner.holds_tables() {
            inner.add_table(Table::of(&rows)?);
        }
        let written = inner.finish()?;
        if let Some(out) = file {
            out.commit()?;
        }
        Ok(written)
    }

    fn unfinished(&self) -> Option<&Path> {
        self.inner.unfinished()
    }

    fn streamed_to(&self) -> Option<&str> {
        self.inner.streamed_to()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mention<'a>(doc: &'a str, sentence: usize, text: &'a str, kind: &'a str) -> Row<'a> {
        Row {
            doc_id: doc,
            sentence,
            start: 0,
            end: text.chars().count(),
            text,
            kind,
            value: None,
            value_high: None,
            unit: None,
            score: Some(0.9),
            source: "ner",
            context_entities: String::new(),
            sentence_text: "",
        }
    }

    fn amount<'a>(doc: &'a str, sentence: usize, value: i64, unit: &'a str) -> Row<'a> {
        Row {
            kind: "MONEY",
            value: Some(Decimal::new(value, 0)),
            unit: Some(unit),
            score: None,
            source: "amounts",
            ..mention(doc, sentence, "$", "MONEY")
        }
    }

    fn table(rows: &[Row<'_>]) -> Vec<EntityRow> {
        let mut t = EntityTable::new();
        for r in rows {
            t.add(r);
        }
        t.finish()
    }

    fn find<'a>(rows: &'a [EntityRow], kind: &str, name: &str) -> &'a EntityRow {
        rows.iter().find(|r| r.kind == kind && r.name == name).unwrap_or_else(|| panic!("no {kind} {name}: {rows:#?}"))
    }

    #[test]
    fn variants_of_one_name_are_one_row() {
        let rows = table(&[
            mention("a", 0, "North Korea", "LOC"),
            mention("a", 1, "NORTH KOREA", "LOC"),
            mention("a", 2, "North Korea's", "LOC"),
            mention("b", 0, "North  Korea", "LOC"),
            mention("b", 0, "North Korean", "MISC"),
        ]);
        assert_eq!(rows.len(), 2, "{rows:#?}");
        let nk = find(&rows, "LOC", "North Korea");
        assert_eq!((nk.mentions, nk.documents), (4, 2));
        assert_eq!(nk.aliases, ["NORTH KOREA"]);
        assert_eq!(nk.first_doc, "a");
        assert_eq!(find(&rows, "MISC", "North Korean").documents, 1, "types never merge");
    }

    #[test]
    fn a_short_form_merges_within_its_document_only() {
        let rows = table(&[
            mention("a", 0, "Insikt Group", "ORG"),
            mention("a", 3, "Insikt", "ORG"),
            mention("b", 0, "Insikt", "ORG"),
        ]);
        let group = find(&rows, "ORG", "Insikt Group");
        assert_eq!((group.mentions, group.documents), (2, 1));
        assert_eq!(group.aliases, ["Insikt"]);
        let alone = find(&rows, "ORG", "Insikt");
        assert_eq!((alone.mentions, alone.documents), (1, 1), "no long form in b: its own row");
    }

    #[test]
    fn people_sharing_a_surname_in_different_articles_stay_apart() {
        let rows = table(&[
            mention("a", 0, "Bill Clinton", "PER"),
            mention("a", 1, "Clinton", "PER"),
            mention("b", 0, "Hillary Clinton", "PER"),
            mention("b", 2, "Clinton", "PER"),
            mention("c", 0, "Clinton", "PER"),
        ]);
        assert_eq!(rows.len(), 3, "{rows:#?}");
        assert_eq!(find(&rows, "PER", "Bill Clinton").mentions, 2);
        assert_eq!(find(&rows, "PER", "Hillary Clinton").mentions, 2);
        assert_eq!(find(&rows, "PER", "Clinton").documents, 1);
    }

    #[test]
    fn two_full_names_with_one_surname_leave_the_surname_alone() {
        let rows = table(&[
            mention("a", 0, "Bill Clinton", "PER"),
            mention("a", 1, "Hillary Clinton", "PER"),
            mention("a", 2, "Clinton", "PER"),
        ]);
        assert_eq!(rows.len(), 3);
    }

    #[test]
    fn acronyms_merge_across_documents_and_count_documents_once() {
        let rows = table(&[
            mention("a", 0, "UN", "ORG"),
            mention("b", 0, "United Nations", "ORG"),
            mention("b", 1, "UN", "ORG"),
            mention("c", 0, "U.N.", "ORG"),
            mention("c", 0, "UN", "LOC"),
        ]);
        let un = find(&rows, "ORG", "United Nations");
        assert_eq!((un.mentions, un.documents), (4, 3), "{rows:#?}");
        assert_eq!(un.aliases, ["UN", "U.N."]);
        assert_eq!(un.first_doc, "a");
        assert_eq!(find(&rows, "LOC", "UN").documents, 1, "a LOC is not the ORG");
    }

    #[test]
    fn us_is_not_usa_today() {
        let rows = table(&[
            mention("a", 0, "US", "ORG"),
            mention("a", 1, "USA Today", "ORG"),
            mention("b", 0, "USA Today", "ORG"),
        ]);
        assert_eq!(rows.len(), 2);
        assert_eq!(find(&rows, "ORG", "US").mentions, 1);
    }

    #[test]
    fn an_ambiguous_acronym_stays_apart() {
        let rows = table(&[
            mention("a", 0, "United Nations", "ORG"),
            mention("b", 0, "Union Nationale", "ORG"),
            mention("c", 0, "UN", "ORG"),
        ]);
        assert_eq!(rows.len(), 3);
    }

    #[test]
    fn amounts_of_the_same_sentences() {
        let rows = table(&[
            mention("a", 0, "North Korea", "LOC"),
            amount("a", 0, 2_000_000_000, "USD"),
            amount("a", 0, 2_000_000_000, "USD"),
            amount("a", 1, 5, "USD"),
            mention("a", 2, "North Korea", "LOC"),
            mention("a", 2, "North Korea", "LOC"),
            amount("a", 2, 300, "%"),
            mention("b", 0, "Chainalysis", "ORG"),
        ]);
        let nk = find(&rows, "LOC", "North Korea");
        assert_eq!(nk.amounts, ["2000000000 USD", "300 %"]);
        assert_eq!(nk.amount_mentions, 3, "each amount once, though the entity is named twice in sentence 2");
        assert_eq!(find(&rows, "ORG", "Chainalysis").amount_mentions, 0);
        let labels: Vec<String> = (0..10).map(|i| format!("{i} USD")).collect();
        let mut agg = Aggregate::default();
        for l in &labels {
            agg.add_amount(l);
        }
        assert_eq!(agg.amounts.len(), MAX_AMOUNTS);
    }

    #[test]
    fn rows_are_ordered_by_documents_then_mentions() {
        let rows = table(&[
            mention("a", 0, "Paris", "LOC"),
            mention("a", 0, "Seoul", "LOC"),
            mention("a", 1, "Seoul", "LOC"),
            mention("b", 0, "Paris", "LOC"),
        ]);
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["Paris", "Seoul"]);
    }

    /// The entity table written as `format` to `path`, read back.
    fn written(rows: &[EntityRow], path: &Path, bom: bool) -> String {
        let mut file =
            TableFile::create::<EntityRow>(path, Format::for_path(path), Options { bom, header: true }).unwrap();
        for r in rows {
            file.write(r).unwrap();
        }
        let (out, n) = file.complete().unwrap();
        assert_eq!(n, rows.len() as u64);
        out.commit().unwrap();
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn csv_and_jsonl_files() {
        let dir = tempfile::tempdir().unwrap();
        let rows = table(&[
            mention("=a", 0, "=Evil Corp", "ORG"),
            mention("=a", 1, "=EVIL CORP", "ORG"),
            amount("=a", 0, 5, "USD"),
        ]);
        assert_eq!(
            written(&rows, &dir.path().join("e.csv"), false),
            "type,name,aliases,mentions,documents,first_doc,mean_score,amounts,amount_mentions\n\
             ORG,'=Evil Corp,'=EVIL CORP,2,1,'=a,0.9000,5 USD,1\n"
        );
        let text = written(&rows, &dir.path().join("e.jsonl"), false);
        assert_eq!(
            text,
            "{\"aliases\":[\"=EVIL CORP\"],\"amount_mentions\":1,\"amounts\":[\"5 USD\"],\"documents\":1,\
             \"first_doc\":\"=a\",\"mean_score\":0.9,\"mentions\":2,\"name\":\"=Evil Corp\",\"type\":\"ORG\"}\n",
            "keys sorted, arrays, the mean score as the shortest number"
        );
    }

    /// A document id with a line break (a JSONL `id`, a file name) is one line in both files, as in the mention
    /// table, and `--bom` starts the CSV with a byte-order mark.
    #[test]
    fn text_cells_are_one_line_and_a_bom_on_request() {
        let dir = tempfile::tempdir().unwrap();
        for brk in ["\n", "\r\n", "\r", "\u{b}", "\u{c}", "\u{85}", "\u{2028}", "\u{2029}"] {
            let doc = format!("a{brk}b");
            let rows = table(&[mention(&doc, 0, "Evil Corp", "ORG")]);
            let csv = written(&rows, &dir.path().join("e.csv"), true);
            assert_eq!(csv.lines().count(), 2, "{brk:?}: {csv:?}");
            assert!(csv.starts_with("\u{feff}type,name,") && csv.ends_with(",a b,0.9000,,0\n"), "{brk:?}: {csv:?}");
            let jsonl = written(&rows, &dir.path().join("e.jsonl"), true);
            let line: serde_json::Value = serde_json::from_str(&jsonl).unwrap();
            assert_eq!(line["first_doc"], "a b", "{brk:?}");
        }
    }

    #[test]
    fn the_columns_are_the_fields() {
        assert_eq!(
            *ENTITY_COLUMNS,
            [
                "type",
                "name",
                "aliases",
                "mentions",
                "documents",
                "first_doc",
                "mean_score",
                "amounts",
                "amount_mentions"
            ]
        );
    }
}
