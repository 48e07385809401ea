//! `nextflex migrate`: applies pending database migrations and exits.

use nextflex_store::error::Result;

use super::Context;

pub async fn run(ctx: &Context) -> Result<()> {
    ctx.with_db(async |_| Ok(())).await?;
    eprintln!("database {} is up to date", ctx.database.redacted());
    Ok(())
}
