//! `nextflex openapi`: prints the HTTP API's OpenAPI document, as /api/openapi.json serves it.

use nextflex_store::error::Result;

use super::json;

pub fn run() -> Result<()> {
    println!("{}", json(crate::http::openapi_document())?);
    Ok(())
}
