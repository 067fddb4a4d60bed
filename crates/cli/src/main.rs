//! `kafka-sim`: the Kafka Playground simulation on the command line.

mod bench;
mod cpu_time;
mod lesson;
mod link;
mod sweep;
mod table;
mod teach;

use clap::{Parser, Subcommand};
use kafka_sim::scenario::parse_with_notes;
use kafka_sim::Simulation;
use std::io::Read;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "kafka-sim",
    version,
    about = "Kafka Playground's simulation on the command line"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario headless and print its report.
    Run {
        /// The scenario JSON file; `-` reads standard input.
        scenario: String,
        /// Print the report as JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Also print the readable protocol events.
        #[arg(long)]
        trace: bool,
    },
    /// Print `KEY<TAB>hash<TAB>partition` for each key, as Kafka's Java partitioner (murmur2)
    /// or librdkafka's `partitioner` picks it.
    Partition {
        #[arg(long)]
        partitions: u32,
        /// `java` (the default) or `librdkafka`.
        #[arg(long, default_value = "java")]
        client: String,
        /// librdkafka's `partitioner` (default `consistent_random`): random, consistent,
        /// consistent_random, murmur2, murmur2_random, fnv1a, fnv1a_random.
        #[arg(long)]
        partitioner: Option<String>,
        #[arg(required = true)]
        keys: Vec<String>,
    },
    /// Run an assignor on `{"topics": {...}, "members": [...]}` (the vectors' shape) from
    /// standard input and print `{"member": [["topic", partition], ...]}`.
    Assign {
        /// `range`, `roundrobin`, `sticky` or `cooperative-sticky`.
        #[arg(long)]
        strategy: String,
    },
    /// Run the busy reference scenario and print simulated records and events per second.
    Bench {
        /// Print the figures as JSON.
        #[arg(long)]
        json: bool,
        /// Instead, the one-hour run (20,000 records/s, 72 million records): peak memory and
        /// what the ledger keeps. Minutes long natively; opt-in.
        #[arg(long)]
        hour: bool,
        /// The hour run's scenario cut to this many minutes of virtual time (1..=60).
        #[arg(long, value_name = "N")]
        minutes: Option<u64>,
        /// Instead, its records at 12, 100 and 1,000 partitions and with 4, 20 and 50 clients:
        /// events and records per second for each.
        #[arg(long)]
        sweep: bool,
    },
    /// Write or read the page's permalinks.
    Link {
        #[command(subcommand)]
        command: LinkCommand,
    },
    /// Print each producer's producer.properties and each group's consumer.properties (every
    /// effective property, defaults marked) with a Java snippet of its send style or poll loop.
    Export {
        /// The scenario JSON file; `-` reads standard input.
        scenario: String,
    },
    /// Run a scenario (A) and the same with a set of changed scenario paths (B), and print
    /// both reports' figures in two columns, `*` where they differ.
    Compare {
        /// The scenario JSON file.
        scenario: String,
        /// A JSON object of scenario paths to new values, e.g. {"producers[0].acks": "1"}.
        set: String,
    },
    /// Check lessons against the simulation, or write a lesson's link.
    Lesson {
        #[command(subcommand)]
        command: LessonCommand,
    },
}

#[derive(Subcommand)]
enum LessonCommand {
    /// Run every step's and try's expectations, and each challenge's solution (must meet the
    /// goal) and unchanged scenario (must miss it); print what holds with the figures. Exits 1
    /// when anything fails. Takes lesson files (`-`: standard input), `#l=` links, or an
    /// index file (`web/lessons/index.json`: every lesson it lists).
    Check {
        #[arg(required = true)]
        lessons: Vec<String>,
    },
    /// Print the index of lesson files (`web/lessons/index.json`), in the order given.
    Index {
        #[arg(required = true)]
        lessons: Vec<String>,
    },
    /// Print the self-contained `#l=` link of a lesson file.
    Link {
        lesson: String,
        /// The page's address (default: print only the `#l=...` fragment).
        #[arg(long, default_value = "")]
        base: String,
    },
}

#[derive(Subcommand)]
enum LinkCommand {
    /// Print the permalink of a scenario file (`-` reads standard input).
    Encode {
        scenario: String,
        /// The page's address, e.g. https://courses.example/kafka/playground/ (default: print
        /// only the `#s=...` fragment).
        #[arg(long, default_value = "")]
        base: String,
        /// Open the link at this position on the timeline, in simulated milliseconds.
        #[arg(long)]
        at: Option<u64>,
    },
    /// Print the scenario a permalink carries, as JSON (its position goes to standard error),
    /// or the lesson a `#l=` link carries.
    Decode { url: String },
}

pub(crate) fn read_input(path: &str) -> Result<String, String> {
    if path == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        Ok(s)
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))
    }
}

fn run(path: &str, json: bool, trace: bool) -> ExitCode {
    let text = match read_input(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("kafka-sim: {e}");
            return ExitCode::from(1);
        }
    };
    // The notes say where Kafka would quietly change a value (as the page shows them).
    let (scenario, notes) = match parse_with_notes(&text) {
        Ok(s) => s,
        Err(errors) => {
            eprintln!(
                "kafka-sim: {path}: the scenario has {} problem(s):",
                errors.len()
            );
            for e in errors.iter() {
                eprintln!("  {e}");
            }
            return ExitCode::from(1);
        }
    };
    let mut sim = Simulation::new(scenario);
    if trace {
        while !sim.is_finished() {
            let next = sim.now_us().saturating_add(1_000_000);
            sim.advance_to(next);
            for e in sim.take_events() {
                eprintln!(
                    "{:>10.3} ms  {:<12} {}",
                    e.time_us as f64 / 1000.0,
                    sim.node_name(e.node),
                    e.text
                );
            }
        }
    }
    sim.run_to_end();
    let report = sim.report();
    if json {
        match table::json_with_notes(&report, &notes) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("kafka-sim: cannot write the report: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        print!("{}", table::render(&report));
        print!("{}", table::render_notes(&notes));
    }
    ExitCode::SUCCESS
}

fn partition(
    partitions: u32,
    client: &str,
    partitioner: Option<&str>,
    keys: &[String],
) -> ExitCode {
    use kafka_sim::kafka::librdkafka_partitioner::{crc32, fnv1a, LibrdkafkaPartitioner as L};
    if partitions == 0 {
        eprintln!("kafka-sim: --partitions must be at least 1");
        return ExitCode::from(1);
    }
    match (client, partitioner) {
        ("java", None) => {}
        ("java", Some(_)) => {
            eprintln!("kafka-sim: --partitioner: librdkafka's property; the Java client hashes keys with murmur2 (use --client librdkafka)");
            return ExitCode::from(1);
        }
        ("librdkafka", name) => {
            let name = name.unwrap_or("consistent_random");
            let Some(p) = L::from_name(name) else {
                let names: Vec<&str> = L::ALL.iter().map(|p| p.name()).collect();
                eprintln!(
                    "kafka-sim: --partitioner: unknown partitioner \"{name}\", expected one of {}",
                    names.join(", ")
                );
                return ExitCode::from(1);
            };
            for k in keys {
                let bytes = k.as_bytes();
                let hash = match p {
                    L::Consistent | L::ConsistentRandom => i64::from(crc32(bytes)),
                    L::Fnv1a | L::Fnv1aRandom => i64::from(fnv1a(bytes)),
                    _ => i64::from(kafka_sim::kafka::murmur2::murmur2(bytes)),
                };
                match p.keyed(Some(bytes), partitions) {
                    Some(part) => println!("{k}\t{hash}\t{part}"),
                    None => println!("{k}\t-\trandom"),
                }
            }
            return ExitCode::SUCCESS;
        }
        (other, _) => {
            eprintln!("kafka-sim: --client: expected \"java\" or \"librdkafka\", got \"{other}\"");
            return ExitCode::from(1);
        }
    }
    for k in keys {
        let h = kafka_sim::kafka::murmur2::murmur2(k.as_bytes());
        let p = kafka_sim::kafka::murmur2::partition_for_key(k.as_bytes(), partitions);
        println!("{k}\t{h}\t{p}");
    }
    ExitCode::SUCCESS
}

fn assign(strategy: &str) -> ExitCode {
    let input = match read_input("-") {
        Ok(t) => t,
        Err(e) => {
            eprintln!("kafka-sim: {e}");
            return ExitCode::from(1);
        }
    };
    match kafka_sim::kafka::assignor::assign_json(strategy, &input) {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("kafka-sim: {e}");
            ExitCode::from(1)
        }
    }
}

fn main() -> ExitCode {
    // Rust ignores SIGPIPE, so printing to a reader that went away (`| head`) would panic;
    // the default action ends the process quietly instead.
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to SIG_DFL before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Run {
            scenario,
            json,
            trace,
        }) => run(&scenario, json, trace),
        Some(Command::Partition {
            partitions,
            client,
            partitioner,
            keys,
        }) => partition(partitions, &client, partitioner.as_deref(), &keys),
        Some(Command::Assign { strategy }) => assign(&strategy),
        Some(Command::Bench {
            json,
            hour,
            minutes,
            sweep,
        }) => match (sweep, hour, minutes) {
            (true, _, _) => sweep::run(json),
            (false, false, None) => bench::run(json),
            (false, _, m) => bench::hour(json, m.unwrap_or(60)),
        },
        Some(Command::Link { command }) => match command {
            LinkCommand::Encode { scenario, base, at } => link::encode(&scenario, &base, at),
            LinkCommand::Decode { url } => link::decode(&url),
        },
        Some(Command::Export { scenario }) => teach::export(&scenario),
        Some(Command::Compare { scenario, set }) => teach::compare(&scenario, &set),
        Some(Command::Lesson { command }) => match command {
            LessonCommand::Check { lessons } => lesson::check(&lessons),
            LessonCommand::Index { lessons } => lesson::index(&lessons),
            LessonCommand::Link { lesson: file, base } => lesson::link(&file, &base),
        },
        None => {
            use clap::CommandFactory;
            let _ = Cli::command().print_help();
            ExitCode::SUCCESS
        }
    }
}
