//! `heeros-server`: serve the API, or administer users, companies, rights,
//! authenticators, devices and invoices. Secrets are never taken from argv.

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::process::ExitCode;

use chrono::{TimeZone, Utc};
use clap::{Parser, Subcommand};
use std::time::Duration;

use heeros_server::{admin, bank, db, demo, totp, Clock, Db, Options, ServerError};
use zeroize::Zeroizing;

#[derive(Parser)]
#[command(
    name = "heeros-server",
    version,
    about = "The auth server Heeros Mobile signs in against"
)]
struct Cli {
    /// sqlite://PATH?mode=rwc (default) or postgres://USER:PASS@HOST/DB
    #[arg(
        long,
        env = "HEEROS_DATABASE_URL",
        default_value = "sqlite://heeros.sqlite?mode=rwc",
        global = true
    )]
    database_url: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Answer the API (wire contract v1).
    Serve {
        /// Address and port to listen on.
        #[arg(long, env = "HEEROS_BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        /// Behind N proxies of yours (1 when given without N): the client
        /// address is the Nth X-Forwarded-For entry from the right.
        #[arg(
            long,
            env = "HEEROS_TRUST_FORWARDED",
            value_name = "N",
            num_args = 0..=1,
            default_missing_value = "1",
            value_parser = parse_hops
        )]
        trust_forwarded: Option<usize>,
        /// Seconds a connection may take to send a request's headers.
        #[arg(long, env = "HEEROS_HEADER_TIMEOUT", default_value_t = 10)]
        header_timeout: u64,
        /// Seconds a whole request may take.
        #[arg(long, env = "HEEROS_REQUEST_TIMEOUT", default_value_t = 30)]
        request_timeout: u64,
        /// Connections served at once (also kept below the open-file limit).
        #[arg(long, env = "HEEROS_MAX_CONNECTIONS", default_value_t = 1024)]
        max_connections: usize,
        /// Answer with a `Server-Timing: app;dur=MS` header (the server's
        /// own time for each request).
        #[arg(long, env = "HEEROS_SERVER_TIMING")]
        server_timing: bool,
    },
    /// Seed the demo users and companies and print how to log in.
    Demo,
    /// Users: add, reset-password, unlock.
    #[command(subcommand)]
    User(UserCommand),
    /// Authenticator (TOTP) enrolment.
    #[command(subcommand)]
    Totp(TotpCommand),
    /// Companies.
    #[command(subcommand)]
    Company(CompanyCommand),
    /// Give a user rights to a company.
    Grant { user: String, business_id: String },
    /// Take a user's rights to a company away.
    Revoke { user: String, business_id: String },
    /// Device sessions (phones logged in).
    #[command(subcommand)]
    Devices(DevicesCommand),
    /// Purchase invoices of companies.
    #[command(subcommand)]
    Invoice(InvoiceCommand),
}

#[derive(Subcommand)]
enum InvoiceCommand {
    /// Add an invoice awaiting approval; prints its id.
    Add(admin::InvoiceInput),
    /// List invoices, of one company if given.
    List { business_id: Option<String> },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user ("Name Surname"); the password is read from stdin or a prompt.
    Add { name: String },
    /// Set a new password (stdin or prompt); also lifts a lock and ends every
    /// device session and open login of the user.
    ResetPassword { name: String },
    /// Lift the 100-failure lock and the back-off of a user name.
    Unlock { name: String },
}

#[derive(Subcommand)]
enum TotpCommand {
    /// Give the user a new authenticator secret; prints the otpauth URI and a
    /// QR code. Ends every device session and open login of the user.
    Enroll { user: String },
    /// Remove the user's authenticator. Ends every device session and open
    /// login of the user.
    Remove { user: String },
    /// Print the current code for a base32 secret (demo and support aid).
    Code { secret: String },
}

#[derive(Subcommand)]
enum CompanyCommand {
    /// Add a company by name and business id (Y-tunnus).
    Add { name: String, business_id: String },
}

#[derive(Subcommand)]
enum DevicesCommand {
    /// List device sessions, of one user if given.
    List { user: Option<String> },
    /// Revoke one device session by id, or all of a user's with --user.
    Revoke {
        device_id: Option<String>,
        #[arg(long, conflicts_with = "device_id")]
        user: Option<String>,
    },
}

/// `--trust-forwarded` value: a hop count, or true/false (the flag's old
/// boolean form in `HEEROS_TRUST_FORWARDED`).
fn parse_hops(raw: &str) -> Result<usize, String> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" => Ok(1),
        "false" | "no" | "off" | "" => Ok(0),
        n => n
            .parse::<usize>()
            .map_err(|_| format!("not a number of proxy hops: {raw:?}")),
    }
}

fn read_password() -> Result<Zeroizing<String>, ServerError> {
    if std::io::stdin().is_terminal() {
        let first = Zeroizing::new(rpassword::prompt_password("Password: ")?);
        let again = Zeroizing::new(rpassword::prompt_password("Password again: ")?);
        if first != again {
            return Err(ServerError::Invalid("the passwords differ".into()));
        }
        Ok(first)
    } else {
        let mut line = Zeroizing::new(String::new());
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(Zeroizing::new(
            line.trim_end_matches(['\r', '\n']).to_owned(),
        ))
    }
}

fn qr(text: &str) -> String {
    use qrcode::render::unicode::Dense1x2;
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => code.render::<Dense1x2>().quiet_zone(true).build(),
        Err(e) => format!("(no QR code: {e})"),
    }
}

fn time(secs: i64) -> String {
    Utc.timestamp_opt(secs, 0).single().map_or_else(
        || secs.to_string(),
        |t| t.format("%Y-%m-%d %H:%M").to_string(),
    )
}

async fn run(cli: Cli) -> Result<(), ServerError> {
    let url = cli.database_url;
    if let Command::Totp(TotpCommand::Code { secret }) = &cli.command {
        println!("{}", totp::code_at(secret.trim(), Utc::now()));
        return Ok(());
    }
    let now = Utc::now();
    let db = Db::connect(&url).await?;
    match cli.command {
        Command::Serve {
            bind,
            trust_forwarded,
            header_timeout,
            request_timeout,
            max_connections,
            server_timing,
        } => {
            let fd_limit = heeros_server::raise_fd_limit();
            // Keep descriptors for the database pool, logs and the listener.
            let max_connections = fd_limit.map_or(max_connections, |limit| {
                max_connections.min(limit.saturating_sub(64).max(16) as usize)
            });
            let options = Options {
                trust_forwarded: trust_forwarded.unwrap_or(0),
                header_read_timeout: Duration::from_secs(header_timeout.max(1)),
                request_timeout: Duration::from_secs(request_timeout.max(1)),
                max_connections,
                server_timing,
                ..Options::default()
            };
            let mut running =
                heeros_server::serve_db(db, bind, Clock::system(), options.clone()).await?;
            tracing::info!(
                addr = %running.addr,
                database = %db::redact(&url),
                trust_forwarded = options.trust_forwarded,
                max_connections,
                fd_limit,
                server_timing,
                header_timeout_s = header_timeout,
                request_timeout_s = request_timeout,
                "heeros-server listening"
            );
            println!("heeros-server listening on {}", running.base_url);
            tokio::select! {
                _ = tokio::signal::ctrl_c() => tracing::info!("shutting down"),
                _ = running.wait() => {}
            }
        }
        Command::Demo => {
            let logins = demo::seed(&db, now).await?;
            print!("{}", demo::describe(&logins));
        }
        Command::User(cmd) => match cmd {
            UserCommand::Add { name } => {
                let password = read_password()?;
                let (id, name) = admin::add_user(&db, &name, &password, now).await?;
                println!("added user {name:?} (id {id})");
            }
            UserCommand::ResetPassword { name } => {
                let password = read_password()?;
                let ended = admin::reset_password(&db, &name, &password, now).await?;
                println!("password set; the user name is unlocked; {ended}");
            }
            UserCommand::Unlock { name } => {
                admin::unlock_user(&db, &name).await?;
                println!("unlocked");
            }
        },
        Command::Totp(cmd) => match cmd {
            TotpCommand::Enroll { user } => {
                let e = admin::enroll_totp_at(&db, &user, None, now).await?;
                println!("secret: {}\n{}\n{}", e.secret, e.uri, qr(&e.uri));
                println!("{}", e.ended);
            }
            TotpCommand::Remove { user } => {
                let ended = admin::remove_totp(&db, &user, now).await?;
                println!("authenticator removed; {ended}");
            }
            TotpCommand::Code { .. } => unreachable!("handled above"),
        },
        Command::Company(CompanyCommand::Add { name, business_id }) => {
            let id = admin::add_company(&db, &name, &business_id).await?;
            println!("added company {name:?} (id {id})");
        }
        Command::Grant { user, business_id } => {
            admin::grant(&db, &user, &business_id).await?;
            println!("granted");
        }
        Command::Revoke { user, business_id } => {
            admin::revoke(&db, &user, &business_id).await?;
            println!("revoked");
        }
        Command::Devices(cmd) => match cmd {
            DevicesCommand::List { user } => {
                println!(
                    "{:<24} {:<22} {:<18} {:<8} {:<17} {:<17} STATE",
                    "ID", "USER", "DEVICE", "OS", "LOGGED IN", "EXPIRES"
                );
                for d in admin::list_devices(&db, user.as_deref()).await? {
                    let state = d.revoked.map_or_else(
                        || format!("live ({} wrong PINs)", d.failed_unlocks),
                        |r| format!("revoked: {r}"),
                    );
                    println!(
                        "{:<24} {:<22} {:<18} {:<8} {:<17} {:<17} {state}",
                        d.id,
                        d.user,
                        d.device_name,
                        d.platform,
                        time(d.created_at),
                        time(d.login_expires_at)
                    );
                }
            }
            DevicesCommand::Revoke { device_id, user } => match (device_id, user) {
                (Some(id), None) => {
                    let live = admin::revoke_device(&db, &id, now).await?;
                    println!("{}", if live { "revoked" } else { "was not live" });
                }
                (None, Some(user)) => {
                    let n = admin::revoke_devices(&db, &user, now).await?;
                    println!("revoked {n} device session(s)");
                }
                _ => {
                    return Err(ServerError::Invalid(
                        "give a device id or --user NAME".into(),
                    ))
                }
            },
        },
        Command::Invoice(cmd) => invoice(&db, cmd, now).await?,
    }
    Ok(())
}

async fn invoice(
    db: &Db,
    cmd: InvoiceCommand,
    now: chrono::DateTime<Utc>,
) -> Result<(), ServerError> {
    match cmd {
        InvoiceCommand::Add(input) => {
            let id = admin::add_invoice(db, &input, now).await?;
            println!("{id}");
        }
        InvoiceCommand::List { business_id } => {
            println!(
                "{:>6} {:<10} {:<28} {:<14} {:>14} {:<10} STATUS",
                "ID", "COMPANY", "SUPPLIER", "NUMBER", "AMOUNT EUR", "DUE"
            );
            for i in admin::list_invoices(db, business_id.as_deref()).await? {
                println!(
                    "{:>6} {:<10} {:<28} {:<14} {:>14} {:<10} {}",
                    i.id,
                    i.business_id,
                    i.supplier,
                    i.invoice_number,
                    bank::format_amount(i.amount_cents),
                    i.due_date,
                    i.status
                );
            }
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("HEEROS_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
