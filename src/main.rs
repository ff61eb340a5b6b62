use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use latchkey::cli::{Cli, Command};
use latchkey::config::Settings;
use latchkey::{commands, serve, telemetry};

/// Commands print their results on stdout; stderr gets warnings, and the
/// audit events of user and key changes (journald keeps them when the
/// command runs under systemd-run).
const CLI_LOG: &str = "warn,latchkey::commands=info";

/// A person at a terminal reads the sentence the command printed; log
/// lines with levels and event fields are for a log (journald, a file, a
/// pipe), where the audit events still go.
fn cli_log() -> &'static str {
    if std::io::stderr().is_terminal() {
        "warn"
    } else {
        CLI_LOG
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line: the whole cause chain, colon-separated, with the
            // line breaks some causes carry (libpq's) folded.
            let message = format!("{e:#}");
            eprintln!(
                "latchkey: {}",
                message.split_whitespace().collect::<Vec<_>>().join(" ")
            );
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = Settings::load(&cli.flags())?;
    match cli.command {
        None | Some(Command::Serve { .. }) => {
            telemetry::init(&settings.log, settings.log_format);
            actix_web::rt::System::new().block_on(serve::run(settings))
        }
        Some(Command::Migrate) => {
            telemetry::init(cli_log(), settings.log_format);
            commands::migrate(&settings)
        }
        Some(Command::User(command)) => {
            telemetry::init(cli_log(), settings.log_format);
            commands::user(&settings, command, cli.create)
        }
        Some(Command::Client(command)) => {
            telemetry::init(cli_log(), settings.log_format);
            commands::client(&settings, command, cli.create)
        }
        Some(Command::Keys(command)) => {
            telemetry::init(cli_log(), settings.log_format);
            commands::check_key_ring(&settings, cli.create)?;
            commands::keys(&settings, command)
        }
        Some(Command::Db(command)) => {
            telemetry::init("warn", settings.log_format);
            commands::database::run(&settings, command)
        }
    }
}
