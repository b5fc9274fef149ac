//! `heeros-server`: serve the API, or administer users, companies, rights,
//! authenticators and devices. Secrets are never taken from argv.

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::process::ExitCode;

use chrono::{TimeZone, Utc};
use clap::{Parser, Subcommand};
use heeros_server::{admin, db, demo, totp, Clock, Db, ServerError};

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
        /// Take client addresses from X-Forwarded-For (only behind your own proxy).
        #[arg(long, env = "HEEROS_TRUST_FORWARDED")]
        trust_forwarded: bool,
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
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user ("Name Surname"); the password is read from stdin or a prompt.
    Add { name: String },
    /// Set a new password (stdin or prompt); also lifts a lock.
    ResetPassword { name: String },
    /// Lift the 100-failure lock and the back-off of a user name.
    Unlock { name: String },
}

#[derive(Subcommand)]
enum TotpCommand {
    /// Give the user a new authenticator secret; prints the otpauth URI and a QR code.
    Enroll { user: String },
    /// Remove the user's authenticator.
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

fn read_password() -> Result<String, ServerError> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Password again: ")?;
        if first != again {
            return Err(ServerError::Invalid("the passwords differ".into()));
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
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
    match cli.command {
        Command::Serve {
            bind,
            trust_forwarded,
        } => {
            let mut running =
                heeros_server::serve_on(&url, bind, Clock::system(), trust_forwarded).await?;
            tracing::info!(addr = %running.addr, database = %db::redact(&url), "heeros-server listening");
            println!("heeros-server listening on {}", running.base_url);
            tokio::select! {
                _ = tokio::signal::ctrl_c() => tracing::info!("shutting down"),
                _ = running.wait() => {}
            }
        }
        Command::Demo => {
            let db = Db::connect(&url).await?;
            let logins = demo::seed(&db, now).await?;
            print!("{}", demo::describe(&logins));
        }
        Command::User(cmd) => {
            let db = Db::connect(&url).await?;
            match cmd {
                UserCommand::Add { name } => {
                    let password = read_password()?;
                    let (id, name) = admin::add_user(&db, &name, &password, now).await?;
                    println!("added user {name:?} (id {id})");
                }
                UserCommand::ResetPassword { name } => {
                    let password = read_password()?;
                    admin::reset_password(&db, &name, &password).await?;
                    println!("password set; the user name is unlocked");
                }
                UserCommand::Unlock { name } => {
                    admin::unlock_user(&db, &name).await?;
                    println!("unlocked");
                }
            }
        }
        Command::Totp(cmd) => {
            let db = Db::connect(&url).await?;
            match cmd {
                TotpCommand::Enroll { user } => {
                    let (secret, uri) = admin::enroll_totp(&db, &user, None).await?;
                    println!("secret: {secret}\n{uri}\n{}", qr(&uri));
                }
                TotpCommand::Remove { user } => {
                    admin::remove_totp(&db, &user).await?;
                    println!("authenticator removed");
                }
                TotpCommand::Code { .. } => unreachable!("handled above"),
            }
        }
        Command::Company(CompanyCommand::Add { name, business_id }) => {
            let db = Db::connect(&url).await?;
            let id = admin::add_company(&db, &name, &business_id).await?;
            println!("added company {name:?} (id {id})");
        }
        Command::Grant { user, business_id } => {
            let db = Db::connect(&url).await?;
            admin::grant(&db, &user, &business_id).await?;
            println!("granted");
        }
        Command::Revoke { user, business_id } => {
            let db = Db::connect(&url).await?;
            admin::revoke(&db, &user, &business_id).await?;
            println!("revoked");
        }
        Command::Devices(cmd) => {
            let db = Db::connect(&url).await?;
            match cmd {
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
