//! The `nertab` command line: a thin layer over the library. `model_args` loads the model, `report` shows
//! progress and `--stats`, `signals` cleans up an interrupted run.

mod model_args;
mod report;
mod signals;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};

use model_args::{find_model_dir, ModelArgs};
use nertab::extract::{self, Resources};
use nertab::output::entities::EntitySink;
use nertab::output::{Format, Options, OutputError, Row, RowSink, TableFile};
use nertab::pipeline::{Pipeline, PipelineError, Stats};
use report::{print_stats, progress_bar};
use signals::clean_up_on_signals;

#[derive(Parser)]
#[command(name = "nertab", version, about = "News articles in, a CSV knowledge table of entities and amounts out")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct TrainArgs {
    /// Training data (CoNLL format, IOB2).
    #[arg(long)]
    train: PathBuf,
    /// More tagged training data (CoNLL), e.g. the valid split for a final model whose recipe was fixed on valid
    /// beforehand (with --keep-last).
    #[arg(long, num_args = 1..)]
    also_train: Vec<PathBuf>,
    /// Validation data: scored after every epoch; the best epoch is kept.
    #[arg(long)]
    valid: PathBuf,
    /// Keep the last epoch, not the best on --valid (when --valid is also trained on, it cannot choose).
    #[arg(long)]
    keep_last: bool,
    /// Test data, scored once on the final model for the report.
    #[arg(long)]
    test: Option<PathBuf>,
    /// Encoder directory (config.json, model.safetensors, tokenizer.json), or a model trained by nertab to continue
    /// training (classifier included) with new options, e.g. a second stage with --context.
    #[arg(long)]
    base: PathBuf,
    /// Build the network from these encoder layers of --base only, renumbered in order: e.g. 0,2,4,5 makes a
    /// 4-layer student from a 6-layer model (with --teacher, it learns the deeper model's labels). Default: all.
    #[arg(long, value_delimiter = ',')]
    layers: Option<Vec<usize>>,
    /// Output model directory.
    #[arg(long)]
    out: PathBuf,
    #[arg(long, default_value_t = 4)]
    epochs: usize,
    #[arg(long, default_value_t = 1e-4)]
    lr: f64,
    /// Windows (sentences) per batch.
    #[arg(long, default_value_t = 32)]
    batch: usize,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Share of steps spent warming up the learning rate.
    #[arg(long, default_value_t = 0.1)]
    warmup: f64,
    #[arg(long, default_value_t = 0.01)]
    weight_decay: f64,
    /// Gradient norm clip.
    #[arg(long, default_value_t = 1.0)]
    clip: f64,
    /// Longest model input in word pieces.
    #[arg(long, default_value_t = 256)]
    max_len: usize,
    /// Word pieces of document context on each side of a sentence (0: sentences alone).
    #[arg(long, default_value_t = 0)]
    context: usize,
    /// Do not feed word casing to the (uncased) encoder.
    #[arg(long)]
    no_casing: bool,
    /// Share of training sentences re-cased (Title Case, UPPER, lower; a third each) for robustness to headlines.
    #[arg(long, default_value_t = 0.0)]
    recase: f64,
    /// Share of tagged training sentences rewritten as Title-Case headlines without a stop (the teacher labels them
    /// as written); above 0 the model also gets the headline casing class.
    #[arg(long, default_value_t = 0.0)]
    headlines: f64,
    /// Train on the first N documents only (quick checks).
    #[arg(long)]
    limit_docs: Option<usize>,
    /// A trained nertab model (any size, any tokenizer) to distil: the student also learns its word-level label
    /// distributions on the training text. Given more than once, an ensemble: the student learns the mean of the
    /// teachers' distributions.
    #[arg(long = "teacher", value_name = "DIR")]
    teachers: Vec<PathBuf>,
    /// Weight of the teacher's distributions in the loss; the gold labels get the rest.
    #[arg(long, default_value_t = 0.5, requires = "teachers")]
    distill: f64,
    /// Temperature that softens teacher and student distributions in the distillation term.
    #[arg(long, default_value_t = 1.0, requires = "teachers")]
    temperature: f64,
    /// Untagged articles (files or directories, as `extract` reads them) that the teacher labels for the student:
    /// more text to learn the teacher from than the tagged training split.
    #[arg(long, num_args = 1.., requires = "teachers")]
    unlabelled: Vec<PathBuf>,
    /// Layers int8 keeps in fp32, recorded in the model's int8_ranges.json (4 per encoder layer: query/key/value,
    /// attention output, intermediate, output). The default is what CoNLL-2003 valid chose for the shipped MiniLM
    /// recipe; choose again for another encoder.
    #[arg(long, value_delimiter = ',', default_values_t = nertab::train::MINILM_KEEP_FP32)]
    keep_fp32: Vec<usize>,
    #[arg(long)]
    threads: Option<usize>,
}

#[derive(Subcommand)]
enum Command {
    /// Extract entities and amounts from articles into one CSV table.
    Extract(ExtractArgs),
    /// Fine-tune a BERT encoder into an NER model on CoNLL-2003-format data.
    Train(Box<TrainArgs>),
    /// Score a model on CoNLL-format data, as conlleval does.
    #[command(group(clap::ArgGroup::new("data").required(true).args(["conll", "news"])))]
    Eval {
        /// CoNLL file with gold tags.
        #[arg(long)]
        conll: Option<PathBuf>,
        /// Span-annotated articles (JSONL: id, text, entities [{start, end, type}]), scored as `extract` reads
        /// them: e.g. the news check tests/data/news_ner.jsonl.
        #[arg(long)]
        news: Option<PathBuf>,
        #[command(flatten)]
        model: ModelArgs,
        /// Print the scores as JSON.
        #[arg(long)]
        json: bool,
        /// Write `word gold predicted` lines (conlleval's input) to FILE.
        #[arg(long)]
        write_predictions: Option<PathBuf>,
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Measure a model's int8 input ranges on CoNLL-format text (use the training split) and write them into the
    /// model directory as int8_ranges.json. `train` does this by itself.
    Calibrate {
        /// CoNLL file to measure on.
        #[arg(long)]
        conll: PathBuf,
        /// Model directory (default: the shipped model).
        #[arg(long)]
        model: Option<PathBuf>,
        /// Layers to keep in fp32 under int8; the flag alone: none [default: those the model's int8_ranges.json
        /// already lists, else none].
        #[arg(long, value_delimiter = ',', num_args = 0..)]
        keep_fp32: Option<Vec<usize>>,
        /// Layers whose input channels are smoothed (SmoothQuant) so that they can run in int8, e.g. those kept in
        /// fp32; the flag alone: none [default: those the model's int8_ranges.json already smooths, else none].
        #[arg(long, value_delimiter = ',', num_args = 0..)]
        smooth: Option<Vec<usize>>,
        /// SmoothQuant's migration strength α: 0 leaves the range in the activations, 1 moves it all into the
        /// weights. `A` sets every smoothed layer's, `L=A` layer L's, e.g. `0.5,3=0.6` [default: the model's, else
        /// 0.5].
        #[arg(long, value_delimiter = ',', num_args = 1..)]
        alpha: Option<Vec<nertab::train::AlphaSetting>>,
        #[arg(long)]
        threads: Option<usize>,
    },
}

/// MKL's AVX2 sgemm sums a row in an order that depends on where the row sits in its batch, so on a CPU without
/// AVX-512 a sentence's fp32 scores moved with its neighbours (found by `scripts/test_cpu_ceiling.sh` with MKL capped
/// to AVX2: "document 5 alone differs"). MKL's strict conditional numerical reproducibility (`MKL_CBWR=AUTO,STRICT`)
/// removes that; it is asked for here, before libtorch first calls MKL, wherever MKL runs without AVX-512 and the user
/// has not set `MKL_CBWR`.
fn mkl_reproducible() {
    let capped = std::env::var("MKL_ENABLE_INSTRUCTIONS").is_ok_and(|v| !v.to_ascii_uppercase().starts_with("AVX512"));
    if std::env::var_os("MKL_CBWR").is_none() && (capped || !nertab::model::cpu::CpuFeatures::detect().avx512) {
        // Single-threaded here: nothing else reads the environment yet.
        std::env::set_var("MKL_CBWR", "AUTO,STRICT");
    }
}

fn main() -> ExitCode {
    nertab::tune_allocator();
    mkl_reproducible();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("NERTAB_LOG").unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .with_target(false)
        .without_time()
        // Colour codes only for a terminal: a log file or a pipe gets plain text.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of the table went away (`| head`): it has what it wanted, so the run ends quietly.
        Err(e) if closed_output(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // Never a panic, even when stderr itself cannot be written (`2>/dev/full`).
            let _ = writeln!(std::io::stderr(), "nertab: {e:#}");
            // 1: the run itself was fine but --strict refused a skipped input; 2: usage, input, model or I/O error.
            match e.downcast_ref::<PipelineError>() {
                Some(PipelineError::Strict { .. }) => ExitCode::from(1),
                _ => ExitCode::from(2),
            }
        }
    }
}

/// Whether `e` is the table's reader having closed stdout or a FIFO.
fn closed_output(e: &anyhow::Error) -> bool {
    match e.downcast_ref::<PipelineError>() {
        Some(PipelineError::Output(o)) => o.is_closed(),
        _ => e.downcast_ref::<OutputError>().is_some_and(OutputError::is_closed),
    }
}

/// Prints `text` on stdout. A reader that closed it (`| head`) ends the run quietly, as for `extract -o -`; any
/// other failure (`> /dev/full`) is an error naming stdout (exit 2), never a panic as `print!` would be.
fn print_out(text: &str) -> Result<(), OutputError> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(|e| match e.kind() {
        std::io::ErrorKind::BrokenPipe => OutputError::Closed { path: "stdout".into() },
        _ => OutputError::Io { path: "stdout".into(), source: e },
    })
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Extract(args) => extract(args),
        Command::Train(args) => {
            // Interrupted, the run removes the model it was making; a model already at --out is untouched.
            clean_up_on_signals()?;
            set_threads(args.threads)?;
            let opts = nertab::train::TrainOptions {
                train: args.train,
                also_train: args.also_train,
                valid: args.valid,
                keep_last: args.keep_last,
                test: args.test,
                base: args.base,
                layers: args.layers,
                out: args.out,
                epochs: args.epochs,
                lr: args.lr,
                batch: args.batch,
                seed: args.seed,
                warmup: args.warmup,
                weight_decay: args.weight_decay,
                clip: args.clip,
                max_len: args.max_len,
                context: args.context,
                casing: !args.no_casing,
                recase: args.recase,
                headlines: args.headlines,
                limit_docs: args.limit_docs,
                teachers: args.teachers,
                distill: args.distill,
                temperature: args.temperature,
                unlabelled: args.unlabelled,
                keep_fp32: args.keep_fp32,
                progress: std::io::stderr().is_terminal(),
            };
            let report = nertab::train::train(&opts)?;
            let mut text = format!("best epoch {} of {}\n", report.best_epoch, opts.epochs);
            text += &format!("valid:\n{}\n", report.valid.report());
            if let Some(t) = &report.test {
                text += &format!("test:\n{}\n", t.report());
            }
            text += &format!("model and report written to {}\n", opts.out.display());
            Ok(print_out(&text)?)
        }
        Command::Eval { conll, news, model, json, write_predictions, threads } => {
            set_threads(threads)?;
            // The data is read (and refused if empty or malformed) before the model is loaded.
            if let Some(news) = news {
                let docs = nertab::eval::read_span_docs(&news)?;
                let (model, _) = model.load()?;
                let scores = nertab::eval::score_spans(&model, &docs)?;
                let text = if json { serde_json::to_string_pretty(&scores)? + "\n" } else { scores.report() };
                return Ok(print_out(&text)?);
            }
            let Some(conll) = conll else { bail!("eval needs --conll FILE or --news FILE") };
            let docs = nertab::conll::read(&conll)?;
            let (model, _) = model.load()?;
            let predicted = nertab::eval::predict_tags(&model, &docs)?;
            let scores = match &write_predictions {
                Some(path) => {
                    let file = std::fs::File::create(path).with_context(|| path.display().to_string())?;
                    let mut w = std::io::BufWriter::new(file);
                    let s = nertab::eval::score(&docs, &predicted, Some(&mut w))
                        .with_context(|| path.display().to_string())?;
                    std::io::Write::flush(&mut w).with_context(|| path.display().to_string())?;
                    s
                }
                None => nertab::eval::score(&docs, &predicted, None)?,
            };
            let text = if json { serde_json::to_string_pretty(&scores)? + "\n" } else { scores.report() };
            Ok(print_out(&text)?)
        }
        Command::Calibrate { conll, model, keep_fp32, smooth, alpha, threads } => {
            set_threads(threads)?;
            let dir = match model {
                Some(dir) => dir,
                None => find_model_dir()?,
            };
            let plan = nertab::train::Int8Plan::of_model(&dir).with(keep_fp32, smooth, alpha.as_deref());
            let written = nertab::train::calibrate(&dir, &conll, &plan)
                .with_context(|| format!("calibrating {} on {}", dir.display(), conll.display()))?;
            Ok(print_out(&format!("int8 ranges written to {}\n", written.display()))?)
        }
    }
}

/// Threads per core beyond which `--threads` is refused.
const MAX_THREADS_PER_CORE: usize = 4;

/// Articles per pipeline chunk (fewer when streaming: a chunk is what has arrived). Larger chunks fill the fixed
/// NER batch shapes better: on 300 BBC articles (bf16, AMX) 256 ran about 8% faster than 64; memory stays bounded
/// by the chunk either way.
const CHUNK: usize = 256;

/// Starts rayon's pool and sets libtorch's intra-op threads: `threads`, else `NERTAB_THREADS`, else every core.
/// More than [`MAX_THREADS_PER_CORE`] threads per core is refused: they only fight over the cores (1,000 threads
/// took 71 s for two articles) and a huge value would start that many OS threads.
fn set_threads(threads: Option<usize>) -> Result<usize> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let from_env = std::env::var("NERTAB_THREADS").ok();
    let n = match (threads, from_env.as_deref()) {
        (Some(n), _) => n,
        (None, Some(v)) => v.trim().parse().with_context(|| format!("NERTAB_THREADS={v:?} is not a number"))?,
        (None, None) => cores,
    };
    if n == 0 {
        bail!("--threads must be at least 1");
    }
    let max = MAX_THREADS_PER_CORE * cores;
    if n > max {
        bail!("--threads {n} is more than {MAX_THREADS_PER_CORE} per core ({cores} cores here: at most {max})");
    }
    rayon::ThreadPoolBuilder::new().num_threads(n).build_global().context("starting the thread pool")?;
    tch::set_num_threads(n as i32);
    Ok(n)
}

/// The options of `nertab extract`.
#[derive(Args)]
struct ExtractArgs {
    /// Inputs: .txt files (one article each), .jsonl files (fields id, text, optional title), directories
    /// (searched recursively), or - for JSONL on stdin.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Output file (- for stdout).
    #[arg(short, long, default_value = "outputs/knowledge.csv")]
    output: PathBuf,
    /// Table format [default: by the -o extension: .jsonl → jsonl, .xlsx → xlsx (sheets mentions and
    /// entities), else csv (stdout included)].
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// No header row (for part files that are concatenated); JSONL never has one; refused for xlsx.
    #[arg(long)]
    no_header: bool,
    #[command(flatten)]
    model: ModelArgs,
    /// Extractors to run, comma-separated.
    #[arg(long, value_delimiter = ',', default_values = ["ner", "amounts"],
          value_parser = clap::builder::PossibleValuesParser::new(extract::names()))]
    extractors: Vec<String>,
    /// Worker threads (rayon and libtorch) [default: $NERTAB_THREADS, else all cores]. On a cluster, where
    /// several tasks share a node, pass the cores of one task (Spark's spark.task.cpus).
    #[arg(long, env = "NERTAB_THREADS")]
    threads: Option<usize>,
    /// Print a throughput summary on stderr.
    #[arg(long)]
    stats: bool,
    /// Fail (exit 1, no output replaced) instead of skipping an unusable file or JSONL line.
    #[arg(long)]
    strict: bool,
    /// Start every CSV written (the table, an --entities CSV) with a UTF-8 byte-order mark (for Excel); refused when
    /// no CSV is written.
    #[arg(long)]
    bom: bool,
    /// Also write the corpus entity table (one row per entity) to FILE: CSV, or JSONL / xlsx by its extension.
    #[arg(long, value_name = "FILE")]
    entities: Option<PathBuf>,
}

fn extract(args: ExtractArgs) -> Result<()> {
    let ExtractArgs {
        inputs,
        output,
        format,
        no_header,
        model,
        extractors,
        threads,
        stats: show_stats,
        strict,
        bom,
        entities,
    } = args;
    let format = table_format(format, &output)?;
    let entities_csv = entities.as_deref().is_some_and(|e| Format::for_path(e) == Format::Csv);
    if bom && format != Format::Csv && !entities_csv {
        bail!(
            "--bom starts a CSV with a byte-order mark, and this run writes none (the table is {})",
            format.extension()
        );
    }
    if no_header && format == Format::Xlsx {
        bail!("--no-header: a workbook's sheets always have their header row (the option is for csv)");
    }
    let wall = Instant::now();
    clean_up_on_signals()?;
    let threads = set_threads(threads)?;
    let articles = nertab::corpus::read(&inputs)?;
    // Before any work: no output may be an input, a new article in an input directory, or the other output.
    let outputs: Vec<(&str, &Path)> =
        std::iter::once(("-o", output.as_path())).chain(entities.as_deref().map(|e| ("--entities", e))).collect();
    nertab::output::guard::check(&articles, &outputs)?;
    let mut resources = Resources::default();
    let mut precision_note = None;
    if extract::needs_ner_model(&extractors) {
        let (loaded, note) = model.load()?;
        resources.ner_model = Some(loaded);
        precision_note = Some(note);
    }
    let mut pipeline = Pipeline { extractors: extract::build(&extractors, &mut resources)?, chunk: CHUNK, strict };
    let mut sink = open_sinks(&output, format, bom, !no_header, entities.as_deref())?;
    let mut stats = Stats::default();
    let progress = std::io::stderr().is_terminal().then(|| progress_bar(articles.total_bytes()));
    let bar = progress.clone();
    let mut count = 0u64;
    let articles = articles.inspect(move |item| {
        if let (Some(bar), Ok(article)) = (&bar, item) {
            // Bytes of text read so far against the inputs' size on disk: decoding can change the count a little.
            let next = bar.position() + article.text.len() as u64;
            bar.set_position(bar.length().map_or(next, |len| next.min(len)));
            count += 1;
            bar.set_message(format!("{count} articles"));
        }
    });
    // JSONL on stdin may come from a producer that sends articles over time (`RDD.pipe`, a live feed): rows for
    // what has arrived are written (and flushed) without waiting for a full chunk or the end of the input.
    if inputs.iter().any(|i| i.as_os_str() == "-") {
        pipeline.run_streaming(articles, &mut *sink, &mut stats)?;
    } else {
        pipeline.run(articles, &mut *sink, &mut stats)?;
    }
    let rows = sink.finish()?;
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    if show_stats {
        let wall = wall.elapsed().as_secs_f64();
        print_stats(&stats, rows, &pipeline.extractors, precision_note.as_deref(), threads, wall);
    }
    Ok(())
}

/// The table's format: `--format`, else the one `-o`'s extension names (else CSV). A `--format` that contradicts the
/// extension (`--format xlsx -o out.csv`) is refused: the file would not be what its name says.
fn table_format(asked: Option<Format>, output: &Path) -> Result<Format> {
    match (asked, Format::named_by(output)) {
        (Some(asked), Some(named)) if asked != named => bail!(
            "--format {} contradicts -o {}, whose extension names {}: drop --format, or name the file .{}",
            asked.extension(),
            output.display(),
            named.extension(),
            asked.extension()
        ),
        (Some(format), _) | (None, Some(format)) => Ok(format),
        (None, None) => Ok(Format::Csv),
    }
}

/// The sink for `-o PATH`: the mention table in `format` (see `output::file` for another format).
fn open_sink(path: &Path, format: Format, bom: bool, header: bool) -> Result<Box<dyn RowSink>, OutputError> {
    Ok(Box::new(TableFile::create::<Row>(path, format, Options { bom, header })?))
}

/// The table's sink, wrapped in an [`EntitySink`] for `--entities FILE`.
fn open_sinks(
    path: &Path,
    format: Format,
    bom: bool,
    header: bool,
    entities: Option<&Path>,
) -> Result<Box<dyn RowSink>, OutputError> {
    let sink = open_sink(path, format, bom, header)?;
    let Some(entities) = entities else {
        // A workbook always gets the entity table as a sheet of its own; a CSV or JSONL stream has no room for it.
        return Ok(if sink.holds_tables() { Box::new(EntitySink::beside(sink)) } else { sink });
    };
    Ok(Box::new(EntitySink::create(sink, entities, bom)?))
}
