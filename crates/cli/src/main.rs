//! `kafka-sim`: the Kafka Playground simulation on the command line.

use clap::{Parser, Subcommand};

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
enum Command {}

fn main() {
    let cli = Cli::parse();
    if cli.command.is_none() {
        use clap::CommandFactory;
        let _ = Cli::command().print_help();
    }
}
