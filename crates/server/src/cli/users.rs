//! `nextflex users`: user accounts from the command line.

use std::io::{BufRead, IsTerminal};

use clap::{Args, Subcommand};
use nextflex_app::accounts;
use nextflex_store::db::users;
use nextflex_store::email::Email;
use nextflex_store::error::{Error, Result};

use super::Context;

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create a user account (the password is asked for, or read from stdin)
    Create(CreateUserArgs),
}

#[derive(Debug, Args)]
pub struct CreateUserArgs {
    /// Email address, the login name
    #[arg(long)]
    pub email: String,
    /// Give the account access to the admin dashboard and admin routes
    #[arg(long)]
    pub admin: bool,
    /// Read the password from the first line of standard input instead of prompting
    #[arg(long)]
    pub password_stdin: bool,
    #[arg(long, default_value = "")]
    pub first_name: String,
    #[arg(long, default_value = "")]
    pub last_name: String,
}

pub async fn run(command: UsersCommand, ctx: &Context) -> Result<()> {
    match command {
        UsersCommand::Create(args) => create_user(ctx, args).await,
    }
}

async fn create_user(ctx: &Context, args: CreateUserArgs) -> Result<()> {
    let email = Email::parse(&args.email).map_err(|m| Error::Invalid(m.into()))?;
    let password = read_password(args.password_stdin)?;
    let problems = accounts::check_password(&password, email.as_str());
    if !problems.is_empty() {
        return Err(Error::Invalid(format!(
            "the password was refused: {}",
            problems.join(" ")
        )));
    }
    let hash = accounts::hash_password(&password).await?;
    let id = ctx
        .with_db(async |db| {
            let user = users::NewUser {
                email: &email,
                password_hash: &hash,
                first_name: args.first_name.trim(),
                last_name: args.last_name.trim(),
                is_admin: args.admin,
            };
            users::create(db, &user).await
        })
        .await?;
    let role = if args.admin { "admin" } else { "user" };
    println!("created {role} {email} (id {id})");
    Ok(())
}

fn read_password(from_stdin: bool) -> Result<String> {
    let stdin = std::io::stdin();
    if from_stdin {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .map_err(|e| Error::Invalid(format!("cannot read the password from stdin: {e}")))?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    if !stdin.is_terminal() {
        return Err(Error::Invalid(
            "no terminal to ask for the password on: pass --password-stdin and pipe it in".into(),
        ));
    }
    let prompt = |p: &str| {
        rpassword::prompt_password(p)
            .map_err(|e| Error::Invalid(format!("cannot read the password: {e}")))
    };
    let first = prompt("Password: ")?;
    let second = prompt("Password (again): ")?;
    if first != second {
        return Err(Error::Invalid("the two passwords differ".into()));
    }
    Ok(first)
}
