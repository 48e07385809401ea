//! Paginated lists: `page` (from 1) and `page_size` in, `{count, page, page_size, pages,
//! results}` out. A paged route takes [`Paging`] as an extractor and lists it in its
//! annotation's `params(...)`, so both parameters are read, checked and documented here once.

use serde::{Deserialize, Serialize};
use utoipa::IntoParams;
use utoipa::openapi::path::{Parameter, ParameterIn};

use super::ApiError;
use super::error::QueryParams;

/// Largest page size any list accepts.
pub const MAX_PAGE_SIZE: usize = 100;
/// Highest page number accepted (what the document states: no list is that long).
pub const MAX_PAGE: usize = 1_000_000;

/// A validated page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: usize,
    pub page_size: usize,
}

/// The query-string half of [`Paging`].
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PageQuery {
    /// From 1 (default 1) to 1,000,000.
    #[param(minimum = 1, maximum = 1_000_000)]
    page: Option<usize>,
    /// 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    page_size: Option<usize>,
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Paging {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        let QueryParams(q) = QueryParams::<PageQuery>::from_request_parts(parts, state).await?;
        Paging::new(q.page, q.page_size)
    }
}

impl IntoParams for Paging {
    fn into_params(parameter_in: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        PageQuery::into_params(parameter_in)
    }
}

impl Paging {
    /// From the query's `page` and `page_size` (default 20).
    pub fn new(page: Option<usize>, page_size: Option<usize>) -> Result<Paging, ApiError> {
        let page_size = page_size.unwrap_or(20);
        if !(1..=MAX_PAGE_SIZE).contains(&page_size) {
            return Err(ApiError::field(
                "page_size",
                format!("Must be from 1 to {MAX_PAGE_SIZE}."),
            ));
        }
        let page = page.unwrap_or(1);
        if !(1..=MAX_PAGE).contains(&page) {
            return Err(ApiError::field(
                "page",
                format!("Pages are numbered from 1 to {MAX_PAGE}."),
            ));
        }
        Ok(Paging { page, page_size })
    }

    pub fn offset(self) -> usize {
        (self.page - 1).saturating_mul(self.page_size)
    }

    /// `offset` and `limit` as SQL wants them.
    pub fn sql(self) -> (i64, i64) {
        let clamp = |v: usize| i64::try_from(v).unwrap_or(i64::MAX);
        (clamp(self.page_size), clamp(self.offset()))
    }
}

/// A page of a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    /// Items in the whole list.
    pub count: usize,
    /// This page's number, from 1.
    pub page: usize,
    pub page_size: usize,
    /// Pages in the whole list.
    pub pages: usize,
    pub results: Vec<T>,
}

impl<T> Page<T> {
    pub fn new(paging: Paging, count: usize, results: Vec<T>) -> Self {
        Page {
            count,
            page: paging.page,
            page_size: paging.page_size,
            pages: count.div_ceil(paging.page_size),
            results,
        }
    }
}
