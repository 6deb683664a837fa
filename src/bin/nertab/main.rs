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

/// The options of `nertab train`: the library's [`nertab::train::TrainOptions`], and the threads.
#[derive(Args)]
struct TrainArgs {
    #[command(flatten)]
    options: nertab::train::TrainOptions,
    #[command(flatten)]
    threads: Threads,
}

/// `--threads N`, else `NERTAB_THREADS` (read and parsed here, by clap, for every subcommand), else every core.
#[derive(Args)]
struct Threads {
    /// Worker threads (rayon and libtorch) [default: $NERTAB_THREADS, else all cores]. On a cluster, where
    /// several tasks share a node, pass the cores of one task (Spark's spark.task.cpus).
    #[arg(long, env = "NERTAB_THREADS")]
    threads: Option<usize>,
}

#[derive(Subcommand)]
enum Command {
    /// Extract entities and amounts from articles into one CSV table.
    Extract(ExtractArgs),
    /// Fine-tune a BERT encoder into an NER model on CoNLL-2003-format data.
    Train(Box<TrainArgs>),
    /// Score a model on CoNLL-format data, as conlleval does.
    Eval {
        #[command(flatten)]
        data: EvalData,
        #[command(flatten)]
        model: ModelArgs,
        /// Print the scores as JSON.
        #[arg(long)]
        json: bool,
        /// Write `word gold predicted` lines (conlleval's input) to FILE (with --conll).
        #[arg(long, value_name = "FILE", conflicts_with = "news")]
        write_predictions: Option<PathBuf>,
        #[command(flatten)]
        threads: Threads,
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
        #[command(flatten)]
        threads: Threads,
    },
}

/// What `eval` scores: exactly one of `--conll FILE` and `--news FILE`, which clap's group asks for. Written out
/// by hand because clap derives flags only into structs, which would give two `Option`s and an unreachable case.
enum EvalData {
    /// CoNLL file with gold tags.
    Conll(PathBuf),
    /// Span-annotated articles (JSONL).
    News(PathBuf),
}

impl clap::FromArgMatches for EvalData {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let path = |id: &str| matches.get_one::<PathBuf>(id).cloned();
        match (path("conll"), path("news")) {
            (Some(conll), None) => Ok(EvalData::Conll(conll)),
            (None, Some(news)) => Ok(EvalData::News(news)),
            _ => Err(clap::Error::raw(
                clap::error::ErrorKind::MissingRequiredArgument,
                "eval needs exactly one of --conll FILE, --news FILE\n",
            )),
        }
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        *self = EvalData::from_arg_matches(matches)?;
        Ok(())
    }
}

impl Args for EvalData {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        let path = |id: &'static str, value_name: &'static str, help: &'static str| {
            clap::Arg::new(id).long(id).value_name(value_name).value_parser(clap::value_parser!(PathBuf)).help(help)
        };
        cmd.arg(path("conll", "CONLL", "CoNLL file with gold tags"))
            .arg(path(
                "news",
                "NEWS",
                "Span-annotated articles (JSONL: id, text, entities [{start, end, type}]), scored as `extract` reads \
                 them: e.g. the news check tests/data/news_ner.jsonl",
            ))
            .group(clap::ArgGroup::new("data").required(true).args(["conll", "news"]))
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        EvalData::augment_args(cmd)
    }
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
            set_threads(args.threads.threads)?;
            let opts = nertab::train::TrainOptions { progress: std::io::stderr().is_terminal(), ..args.options };
            let report = nertab::train::train(&opts)?;
            let mut text = format!("best epoch {} of {}\n", report.best_epoch, opts.epochs);
            text += &format!("valid:\n{}\n", report.valid.report());
            if let Some(t) = &report.test {
                text += &format!("test:\n{}\n", t.report());
            }
            text += &format!("model and report written to {}\n", opts.out.display());
            Ok(print_out(&text)?)
        }
        Command::Eval { data, model, json, write_predictions, threads } => {
            set_threads(threads.threads)?;
            // The data is read (and refused if empty or malformed) before the model is loaded.
            let scores = match data {
                EvalData::News(news) => {
                    let docs = nertab::eval::read_span_docs(&news)?;
                    let (model, _) = model.load()?;
                    nertab::eval::score_spans(&model, &docs)?
                }
                EvalData::Conll(conll) => {
                    let docs = nertab::conll::read(&conll)?;
                    let (model, _) = model.load()?;
                    let predicted = nertab::eval::predict_tags(&model, &docs)?;
                    match &write_predictions {
                        Some(path) => {
                            let file = std::fs::File::create(path).with_context(|| path.display().to_string())?;
                            let mut w = std::io::BufWriter::new(file);
                            let s = nertab::eval::score(&docs, &predicted, Some(&mut w))
                                .with_context(|| path.display().to_string())?;
                            std::io::Write::flush(&mut w).with_context(|| path.display().to_string())?;
                            s
                        }
                        None => nertab::eval::score(&docs, &predicted, None)?,
                    }
                }
            };
            let text = if json { serde_json::to_string_pretty(&scores)? + "\n" } else { scores.report() };
            Ok(print_out(&text)?)
        }
        Command::Calibrate { conll, model, keep_fp32, smooth, alpha, threads } => {
            set_threads(threads.threads)?;
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

/// Starts rayon's pool and sets libtorch's intra-op threads: `threads` (`--threads`, else `NERTAB_THREADS`: clap
/// reads both), else every core. More than [`MAX_THREADS_PER_CORE`] threads per core is refused: they only fight over
/// the cores (1,000 threads took 71 s for two articles) and a huge value would start that many OS threads.
fn set_threads(threads: Option<usize>) -> Result<usize> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let n = threads.unwrap_or(cores);
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
    #[command(flatten)]
    threads: Threads,
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
    let threads = set_threads(threads.threads)?;
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
