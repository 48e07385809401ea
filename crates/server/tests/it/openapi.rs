//! The OpenAPI document at `/api/openapi.json` against the router (every route documented, every
//! documented route served) and against real answers (every status and body as documented), and
//! Swagger UI at `/api/docs`, which must load nothing from elsewhere.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use nextflex::http::ApiSettings;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::helpers::images::camera_jpeg;
use crate::helpers::tmdb::{self, Mode, StubTmdb, tmdb_page};
use crate::helpers::{Backend, PASSWORD, TestApp, TestDb, app, unlimited};

/// Who may call a route, as the document says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Anyone,
    /// Anyone; a logged-in caller gets more.
    OptionalLogin,
    Login,
    Admin,
}

use Access::{Admin, Anyone, Login, OptionalLogin};

/// An operation's access: its security requirements, and the admin tag.
fn access(op: &Value) -> Access {
    let me = &op["operationId"];
    let security = op["security"].as_array().cloned().unwrap_or_default();
    let jwt = json!({"jwt": []});
    let admin = op["tags"]
        .as_array()
        .is_some_and(|t| t.contains(&json!("admin")));
    match (security.as_slice(), admin) {
        ([], false) => Anyone,
        ([only], true) if *only == jwt => Admin,
        ([only], false) if *only == jwt => Login,
        ([a, b], false) if security.contains(&json!({})) && (*a == jwt || *b == jwt) => {
            OptionalLogin
        }
        _ => panic!("{me}: security {security:?} (admin: {admin}) is none of the known forms"),
    }
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Every operation of the document, as (METHOD, path).
fn documented(spec: &Value) -> BTreeSet<(String, String)> {
    let paths = spec["paths"].as_object().expect("the document has paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            METHODS
                .iter()
                .filter(|m| item.get(**m).is_some())
                .map(|m| (m.to_uppercase(), path.clone()))
        })
        .collect()
}

fn operation<'a>(spec: &'a Value, method: &str, path: &str) -> &'a Value {
    &spec["paths"][path][method.to_lowercase()]
}

/// `{name}`s of an OpenAPI path.
fn path_params(path: &str) -> BTreeSet<String> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .map(str::to_owned)
        .collect()
}

/// The path with every `{param}` replaced by `value`.
fn concrete(path: &str, value: &str) -> String {
    path.split('/')
        .map(|s| if s.starts_with('{') { value } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

/// Every `$ref` in `value`.
fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                out.push(r);
            }
            map.values().for_each(|v| refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("{r} is not a component schema"));
            let target = &spec["components"]["schemas"][name];
            assert!(target.is_object(), "{r} does not resolve");
            resolve(spec, target)
        }
        None => schema,
    }
}

/// The properties a schema declares, its `allOf` members' included.
fn declared(spec: &Value, schema: &Value) -> BTreeSet<String> {
    let schema = resolve(spec, schema);
    let own = schema["properties"].as_object().into_iter().flatten();
    let members = schema["allOf"].as_array().into_iter().flatten();
    own.map(|(k, _)| k.clone())
        .chain(members.flat_map(|m| declared(spec, m)))
        .collect()
}

fn fits_type(name: &str, value: &Value) -> bool {
    match name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        other => panic!("unknown type {other}"),
    }
}

/// Adds to `problems` where `value` breaks `schema`: types, enums, bounds, required properties,
/// items, and (when `strict`) properties the schema does not declare, so that an undocumented
/// field is caught too. `allOf` members are checked leniently, the union of their properties
/// strictly.
fn validate(
    spec: &Value,
    schema: &Value,
    value: &Value,
    at: &str,
    strict: bool,
    problems: &mut Vec<String>,
) {
    let schema = resolve(spec, schema);
    for member in schema["allOf"].as_array().into_iter().flatten() {
        validate(spec, member, value, at, false, problems);
    }
    validate_options(spec, schema, value, at, strict, problems);
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !types.is_empty() && !types.iter().any(|t| fits_type(t, value)) {
        problems.push(format!("{at}: {value} is not of type {types:?}"));
        return;
    }
    if let Some(values) = schema["enum"].as_array()
        && !values.contains(value)
    {
        problems.push(format!("{at}: {value} is not one of {values:?}"));
    }
    if let Some(n) = value.as_f64() {
        if schema["minimum"].as_f64().is_some_and(|min| n < min) {
            problems.push(format!("{at}: {n} is under the minimum"));
        }
        if schema["maximum"].as_f64().is_some_and(|max| n > max) {
            problems.push(format!("{at}: {n} is over the maximum"));
        }
    }
    match value {
        Value::Object(map) => validate_properties(spec, schema, map, at, strict, problems),
        Value::Array(items) => {
            if let Some(item) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    validate(spec, item, v, &format!("{at}[{i}]"), true, problems);
                }
            }
        }
        _ => {}
    }
}

/// [`validate`]'s `oneOf` and `anyOf`: `value` must fit one of the (resolved) schema's options.
fn validate_options(
    spec: &Value,
    schema: &Value,
    value: &Value,
    at: &str,
    strict: bool,
    problems: &mut Vec<String>,
) {
    let options = schema.get("oneOf").or_else(|| schema.get("anyOf"));
    if let Some(options) = options.and_then(Value::as_array) {
        let misfits: Vec<Vec<String>> = options
            .iter()
            .map(|option| {
                let mut found = Vec::new();
                validate(spec, option, value, at, strict, &mut found);
                found
            })
            .collect();
        if misfits.iter().all(|m| !m.is_empty()) {
            problems.push(format!("{at} fits none of its schemas: {misfits:?}"));
        }
    }
}

/// [`validate`] of an object: its required properties, each property against its schema (or
/// `additionalProperties`), and (when `strict`) no property the schema does not declare.
fn validate_properties(
    spec: &Value,
    schema: &Value,
    map: &serde_json::Map<String, Value>,
    at: &str,
    strict: bool,
    problems: &mut Vec<String>,
) {
    for name in schema["required"].as_array().into_iter().flatten() {
        let name = name.as_str().unwrap_or_default();
        if !map.contains_key(name) {
            problems.push(format!("{at}.{name} is required but missing"));
        }
    }
    let has_shape = schema.get("properties").is_some() || schema.get("allOf").is_some();
    let known = declared(spec, schema);
    for (name, v) in map {
        let here = format!("{at}.{name}");
        match (
            schema["properties"].get(name),
            schema.get("additionalProperties"),
        ) {
            (Some(property), _) => validate(spec, property, v, &here, true, problems),
            (None, Some(Value::Bool(false))) => {
                problems.push(format!("{here} is not allowed"));
            }
            (None, Some(extra)) => validate(spec, extra, v, &here, true, problems),
            (None, None) => {
                if strict && has_shape && !known.contains(name) {
                    problems.push(format!("{here} is not documented"));
                }
            }
        }
    }
}

/// A request's body.
enum Body {
    None,
    Json(Value),
    Raw(&'static str, String),
    Form(Form),
}

/// A request to one documented route.
struct Req {
    method: String,
    route: String,
    path: String,
    auth: Option<String>,
    body: Body,
    headers: Vec<(&'static str, String)>,
}

fn req(method: &str, route: &str) -> Req {
    Req {
        method: method.to_owned(),
        route: route.to_owned(),
        path: route.to_owned(),
        auth: None,
        body: Body::None,
        headers: Vec::new(),
    }
}

impl Req {
    fn path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    fn bearer(mut self, token: &str) -> Self {
        self.auth = Some(format!("Bearer {token}"));
        self
    }

    fn json(mut self, body: Value) -> Self {
        self.body = Body::Json(body);
        self
    }

    fn raw(mut self, content_type: &'static str, body: impl Into<String>) -> Self {
        self.body = Body::Raw(content_type, body.into());
        self
    }

    fn form(mut self, form: Form) -> Self {
        self.body = Body::Form(form);
        self
    }

    fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

struct Answer {
    status: u16,
    /// Without parameters (`; charset=…`).
    content_type: String,
    headers: reqwest::header::HeaderMap,
    bytes: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }
}

async fn send(app: &TestApp, r: Req) -> Answer {
    let method = reqwest::Method::from_bytes(r.method.as_bytes()).unwrap();
    let mut request = app.client.request(method, app.url(&r.path));
    if let Some(auth) = r.auth {
        request = request.header("Authorization", auth);
    }
    for (name, value) in r.headers {
        request = request.header(name, value);
    }
    request = match r.body {
        Body::None => request,
        Body::Json(v) => request.json(&v),
        Body::Raw(content_type, text) => request.header("Content-Type", content_type).body(text),
        Body::Form(form) => request.multipart(form),
    };
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or_default()
        .trim()
        .to_owned();
    let bytes = response.bytes().await.unwrap().to_vec();
    Answer {
        status,
        content_type,
        headers,
        bytes,
    }
}

/// Where an answer differs from what the document says of `method route`.
fn check_answer(spec: &Value, method: &str, route: &str, answer: &Answer) -> Vec<String> {
    let me = format!("{method} {route} → {}", answer.status);
    let op = operation(spec, method, route);
    let Some(response) = op["responses"].get(answer.status.to_string()) else {
        return vec![format!("{me}: status not documented")];
    };
    let mut problems = Vec::new();
    for name in response["headers"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|h| h.0)
    {
        if !answer.headers.contains_key(name.as_str()) {
            problems.push(format!("{me}: documented header {name} is missing"));
        }
    }
    let Some(content) = response["content"].as_object() else {
        if !answer.bytes.is_empty() {
            problems.push(format!(
                "{me}: documented without a body, answered {} bytes",
                answer.bytes.len()
            ));
        }
        return problems;
    };
    let Some(media) = content.get(&answer.content_type) else {
        let documented: Vec<&String> = content.keys().collect();
        problems.push(format!(
            "{me}: answered {:?}, documented {documented:?}",
            answer.content_type
        ));
        return problems;
    };
    if answer.bytes.is_empty() {
        problems.push(format!("{me}: empty body"));
    }
    if let Some(schema) = media.get("schema")
        && answer.content_type == "application/json"
    {
        let body: Value = serde_json::from_slice(&answer.bytes)
            .unwrap_or_else(|e| panic!("{me}: the body is not JSON: {e}"));
        validate(
            spec,
            schema,
            &body,
            &format!("{me}: $"),
            true,
            &mut problems,
        );
    }
    problems
}

async fn spec_of(app: &TestApp) -> Value {
    let res = app.get("/api/openapi.json").await;
    assert_eq!(res.status(), 200);
    let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    res.json().await.unwrap()
}

/// The document as an app without data serves it.
async fn served_document() -> Value {
    let tdb = TestDb::create(Backend::Sqlite).await.unwrap();
    let app = TestApp::spawn(&tdb.config()).await;
    spec_of(&app).await
}

/// The names of the document's tags.
fn tag_names(spec: &Value) -> BTreeSet<&str> {
    spec["tags"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect()
}

/// The document is OpenAPI 3.1 about this NextFlex, pointing at Swagger UI, with its bearer
/// scheme and a tag for every area.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_says_what_it_describes() {
    let spec = served_document().await;
    let version = spec["openapi"].as_str().unwrap();
    assert!(version.starts_with("3.1"), "OpenAPI {version}");
    assert_eq!(spec["info"]["title"], "NextFlex");
    assert_eq!(spec["info"]["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        spec["info"]["description"]
            .as_str()
            .is_some_and(|d| d.contains("/api/docs"))
    );

    let scheme = &spec["components"]["securitySchemes"]["jwt"];
    assert_eq!(scheme["type"], "http");
    assert_eq!(scheme["scheme"], "bearer");
    assert_eq!(scheme["bearerFormat"], "JWT");
    let tags = tag_names(&spec);
    for tag in [
        "accounts",
        "catalogue",
        "charts",
        "recommendations",
        "ratings",
        "posts",
        "images",
        "admin",
        "health",
    ] {
        assert!(tags.contains(tag), "no tag {tag}");
    }
}

/// Every route of the router is documented (the router and the document are made from one list
/// of routes; the aliases are added), each with one declared tag, a summary, responses (a success
/// among them), a unique operation id, its path parameters, and the security its access calls
/// for, with a 401 (and for admins a 403) where a login is needed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_is_documented_with_its_tag_parameters_and_security() {
    let spec = served_document().await;
    let documented = documented(&spec);
    assert!(documented.len() >= 50, "{} operations", documented.len());
    for alias in [("PUT", "/auth/users/me/"), ("POST", "/auth/jwt/blacklist/")] {
        let alias = (alias.0.to_owned(), alias.1.to_owned());
        assert!(documented.contains(&alias), "{alias:?} is not documented");
    }

    let tags = tag_names(&spec);
    let mut ids = BTreeSet::new();
    for (method, path) in &documented {
        let op = operation(&spec, method, path);
        let me = format!("{method} {path}");
        let responses = op["responses"].as_object().unwrap();
        assert!(!responses.is_empty(), "{me}: no responses");
        assert!(
            responses.keys().any(|s| s.starts_with('2')),
            "{me}: no success response"
        );
        assert!(
            op["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{me}: no summary"
        );
        let op_tags = op["tags"].as_array().unwrap();
        assert_eq!(op_tags.len(), 1, "{me}: {op_tags:?}");
        assert!(
            tags.contains(op_tags[0].as_str().unwrap()),
            "{me}: undeclared tag"
        );
        let id = op["operationId"].as_str().unwrap();
        assert!(
            ids.insert(id.to_owned()),
            "{me}: operationId {id} is used twice"
        );

        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        let in_path: BTreeSet<String> = params
            .iter()
            .filter(|p| p["in"] == "path")
            .map(|p| {
                assert_eq!(p["required"], true, "{me}: optional path parameter {p}");
                p["name"].as_str().unwrap().to_owned()
            })
            .collect();
        assert_eq!(in_path, path_params(path), "{me}: path parameters");
        check_security(op, &me);
    }
}

/// An operation's security as its access calls for: none, optional or required login, and the
/// 401 (and for admins the 403) that come with a login.
fn check_security(op: &Value, me: &str) {
    let access = access(op);
    let responses = op["responses"].as_object().unwrap();
    match access {
        Anyone => assert!(op.get("security").is_none(), "{me}: {}", op["security"]),
        OptionalLogin => {
            let security = op["security"].as_array().unwrap();
            assert!(security.contains(&json!({})), "{me}: login not optional");
            assert!(security.contains(&json!({"jwt": []})), "{me}: no jwt");
        }
        Login | Admin => assert_eq!(op["security"], json!([{"jwt": []}]), "{me}"),
    }
    if access != Anyone {
        assert!(responses.contains_key("401"), "{me}: no 401");
    }
    if access == Admin {
        assert!(responses.contains_key("403"), "{me}: no 403");
    }
}

/// Every `$ref` of the document (and there are many) resolves to a component schema.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_ref_of_the_document_resolves() {
    let spec = served_document().await;
    let mut all_refs = Vec::new();
    refs(&spec, &mut all_refs);
    assert!(all_refs.len() > 50, "{} refs", all_refs.len());
    for r in all_refs {
        let name = r.strip_prefix("#/components/schemas/").unwrap();
        assert!(
            spec["components"]["schemas"][name].is_object(),
            "{r} does not resolve"
        );
    }
}

/// The server serves every documented operation (not with the router's 404 nor a 405), asking
/// for a login where the document says (at least 25 do), each answer as documented.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_operation_is_served() {
    let tdb = TestDb::create(Backend::Sqlite).await.unwrap();
    let app = TestApp::spawn(&tdb.config()).await;
    let spec = spec_of(&app).await;
    // The router's own 404, for paths no route serves.
    let unrouted = send(&app, req("GET", "/api/no-such-route")).await;
    assert_eq!(unrouted.status, 404);
    assert_eq!(unrouted.json()["error"]["code"], "not_found");
    let mut required = 0;
    for (method, path) in &documented(&spec) {
        let access = access(operation(&spec, method, path));
        let answer = send(&app, req(method, path).path(concrete(path, "1"))).await;
        let me = format!("{method} {path} → {}", answer.status);
        assert!(
            !(answer.status == 404 && answer.bytes == unrouted.bytes),
            "{me}: no route serves it"
        );
        assert_ne!(answer.status, 405, "{me}");
        if matches!(access, Login | Admin) {
            assert_eq!(answer.status, 401, "{me}: served without a login");
            required += 1;
        }
        let problems = check_answer(&spec, method, path, &answer);
        assert!(problems.is_empty(), "{problems:#?}");
    }
    assert!(required >= 25, "only {required} operations ask for a login");
}

/// Requests documented operations, checking each answer against the document.
struct Sweep<'a> {
    app: &'a TestApp,
    spec: &'a Value,
    problems: Vec<String>,
    seen: BTreeSet<(String, String)>,
}

impl<'a> Sweep<'a> {
    fn new(app: &'a TestApp, spec: &'a Value) -> Self {
        Sweep {
            app,
            spec,
            problems: Vec::new(),
            seen: BTreeSet::new(),
        }
    }

    /// Sends `r`, expecting `status`; records where the answer differs from the document.
    async fn expect(&mut self, status: u16, r: Req) -> Answer {
        let (method, route, path) = (r.method.clone(), r.route.clone(), r.path.clone());
        let answer = send(self.app, r).await;
        let body = String::from_utf8_lossy(&answer.bytes);
        assert_eq!(answer.status, status, "{method} {path}: {body}");
        let problems = check_answer(self.spec, &method, &route, &answer);
        self.problems.extend(problems);
        self.seen.insert((method, route));
        answer
    }

    /// The JSON answer of `r`, expecting `status`.
    async fn json(&mut self, status: u16, r: Req) -> Value {
        self.expect(status, r).await.json()
    }

    /// Asserts that every answer was as documented, and that the operations called were exactly
    /// `ops`, the test's list in [`SWEPT`].
    fn finish(self, ops: &[&str]) {
        assert!(self.problems.is_empty(), "{:#?}", self.problems);
        let seen: BTreeSet<String> = self.seen.iter().map(|(m, r)| format!("{m} {r}")).collect();
        let listed: BTreeSet<String> = ops.iter().map(|&op| op.to_owned()).collect();
        assert_eq!(seen, listed, "the operations called, and the test's list");
    }
}

/// The operations each test of real answers calls, as `METHOD /route`; [`Sweep::finish`] checks
/// that the test called exactly these, and `the_answer_tests_call_every_operation` that together
/// they are every operation of the document.
const SWEPT: &[&[&str]] = &[
    HEALTH, TOKENS, ACCOUNT, PROFILES, CATALOGUE, CHARTS, SIMILAR, RATINGS, GROUP, IMPORTS, LISTS,
    POSTS, IMAGES, ADMIN, RETRAIN, LIMITS,
];
const HEALTH: &[&str] = &[
    "GET /healthz",
    "GET /readyz",
    "GET /metrics",
    "GET /api/openapi.json",
];
const TOKENS: &[&str] = &[
    "POST /auth/users/",
    "POST /auth/jwt/create/",
    "POST /auth/jwt/refresh/",
    "POST /auth/jwt/verify/",
    "POST /auth/jwt/logout/",
    "POST /auth/jwt/blacklist/",
];
const ACCOUNT: &[&str] = &[
    "GET /auth/users/me/",
    "PATCH /auth/users/me/",
    "PUT /auth/users/me/",
    "DELETE /auth/users/me/",
    "POST /auth/users/set_password/",
    "POST /auth/users/",
    "POST /auth/jwt/create/",
];
const PROFILES: &[&str] = &["GET /api/users/{id}", "PATCH /auth/users/me/"];
const CATALOGUE: &[&str] = &[
    "GET /api/movies",
    "GET /api/movies/suggest",
    "GET /api/movies/{id}",
    "GET /api/people/{id}",
    "GET /api/keywords/{id}",
    "GET /api/genres",
    "GET /api/languages",
    "GET /api/movies/{id}/watch",
];
const CHARTS: &[&str] = &[
    "GET /api/charts/popular",
    "GET /api/charts/latest",
    "GET /api/charts/top-rated",
    "GET /api/charts/trending",
];
const SIMILAR: &[&str] = &[
    "GET /api/movies/{id}/similar",
    "POST /api/recommend/similar",
];
const RATINGS: &[&str] = &[
    "GET /api/me/recommendations",
    "PUT /api/movies/{id}/rating",
    "DELETE /api/movies/{id}/rating",
    "GET /api/movies/{id}",
    "GET /api/me/ratings",
    "GET /api/me/rows",
];
const GROUP: &[&str] = &["POST /api/recommend/group"];
const IMPORTS: &[&str] = &["POST /api/me/imports", "GET /api/me/export"];
const LISTS: &[&str] = &[
    "PUT /api/me/watchlist/{id}",
    "DELETE /api/me/watchlist/{id}",
    "GET /api/me/watchlist",
    "PUT /api/me/dismissed/{id}",
    "DELETE /api/me/dismissed/{id}",
    "GET /api/me/dismissed",
    "PUT /api/me/seen/{id}",
    "DELETE /api/me/seen/{id}",
    "GET /api/me/seen",
];
const POSTS: &[&str] = &[
    "POST /api/posts",
    "GET /api/posts",
    "GET /api/posts/{id}",
    "PATCH /api/posts/{id}",
    "DELETE /api/posts/{id}",
];
const IMAGES: &[&str] = &[
    "POST /api/posts",
    "GET /api/images/{id}",
    "GET /api/images/{id}/thumb",
];
const ADMIN: &[&str] = &[
    "GET /api/admin/stats",
    "GET /api/admin/users",
    "GET /api/admin/ratings",
    "GET /api/admin/models",
    "PATCH /api/admin/users/{id}",
    "DELETE /api/admin/users/{id}",
    "DELETE /api/admin/ratings/{user_id}/{movie_id}",
];
const RETRAIN: &[&str] = &["POST /api/admin/models/retrain", "GET /api/admin/models"];
const LIMITS: &[&str] = &[
    "POST /auth/jwt/create/",
    "POST /auth/users/",
    "GET /api/charts/trending",
];

/// Every documented operation is called by one of the tests of real answers: their lists
/// ([`SWEPT`]) name every operation of the document, and only those.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_answer_tests_call_every_operation() {
    let spec = served_document().await;
    let swept: BTreeSet<(String, String)> = SWEPT
        .iter()
        .flat_map(|ops| ops.iter())
        .map(|op| {
            let (method, route) = op.split_once(' ').unwrap();
            (method.to_owned(), route.to_owned())
        })
        .collect();
    let documented = documented(&spec);
    let never: Vec<_> = documented.difference(&swept).cloned().collect();
    assert!(
        never.is_empty(),
        "operations no test of real answers calls: {never:?}"
    );
    let unknown: Vec<_> = swept.difference(&documented).collect();
    assert!(unknown.is_empty(), "listed but not documented: {unknown:?}");
}

/// The app the tests of real answers call: [`app`]'s fixtures without limits, its TMDB a stub
/// whose trending list has Toy Story and Avatar (in the catalogue) and 999999001 (not in it).
struct Swept {
    tmdb: StubTmdb,
    app: TestApp,
    tdb: TestDb,
    spec: Value,
}

async fn swept_app() -> Swept {
    let tmdb = StubTmdb::start(Mode::Pages(vec![tmdb_page(
        1,
        &[
            crate::helpers::TOY_STORY,
            999_999_001,
            crate::helpers::AVATAR,
        ],
        1,
    )]))
    .await;
    let settings = tmdb.settings(unlimited(), Duration::from_secs(600));
    let (app, tdb) = app(Backend::Sqlite, &settings).await.unwrap();
    let spec = spec_of(&app).await;
    Swept {
        tmdb,
        app,
        tdb,
        spec,
    }
}

/// fan@, boss@ (an admin) and other@, signed up outside the sweep: access tokens and ids.
struct Users {
    fan: String,
    boss: String,
    other: String,
    fan_id: i64,
    boss_id: i64,
}

async fn users(f: &Swept) -> Users {
    let (fan, _) = f.app.user("fan@example.com").await;
    let (other, _) = f.app.user("other@example.com").await;
    f.app.user("boss@example.com").await;
    f.tdb.make_admin("boss@example.com").await;
    let (boss, _) = f.app.login("boss@example.com", PASSWORD).await;
    Users {
        fan_id: my_id(&f.app, &fan).await,
        boss_id: my_id(&f.app, &boss).await,
        fan,
        boss,
        other,
    }
}

/// The id of the account of `token` (outside the sweep).
async fn my_id(app: &TestApp, token: &str) -> i64 {
    let (status, me) = app.call("GET", "/auth/users/me/", Some(token), None).await;
    assert_eq!(status, 200, "{me}");
    me["id"].as_i64().unwrap()
}

/// The id of the first movie `/api/movies?q=` finds (outside the sweep).
async fn movie_id(app: &TestApp, query: &str) -> i64 {
    let (status, found) = app
        .call("GET", &format!("/api/movies?q={query}"), None, None)
        .await;
    assert_eq!(status, 200, "{found}");
    found["results"][0]["id"].as_i64().unwrap()
}

/// The account of `token` rates `movie` (outside the sweep).
async fn rate(app: &TestApp, token: &str, movie: i64, rating: f64) {
    let path = format!("/api/movies/{movie}/rating");
    let (status, body) = app.put(&path, Some(token), json!({"rating": rating})).await;
    assert_eq!(status, 200, "{body}");
}

/// The swept app with its users, the fan having rated Toy Story 5 and Jumanji 3.
async fn fan_swept() -> (Swept, Users) {
    let f = swept_app().await;
    let u = users(&f).await;
    fan_rates(&f, &u).await;
    (f, u)
}

/// The fan rates Toy Story 5 and Jumanji 3 (outside the sweep), as the ratings test leaves
/// them, so that the answers that show ratings have some to show: their ids.
async fn fan_rates(f: &Swept, u: &Users) -> (i64, i64) {
    let toy_story = movie_id(&f.app, "toy%20story").await;
    let jumanji = movie_id(&f.app, "jumanji").await;
    rate(&f.app, &u.fan, toy_story, 5.0).await;
    rate(&f.app, &u.fan, jumanji, 3.0).await;
    (toy_story, jumanji)
}

fn post(route: &str, body: Value) -> Req {
    req("POST", route).json(body)
}

fn register(email: &str) -> Req {
    let body = json!({"email": email, "password": PASSWORD, "re_password": PASSWORD});
    post("/auth/users/", body)
}

fn login(email: &str, password: &str) -> Req {
    post(
        "/auth/jwt/create/",
        json!({"email": email, "password": password}),
    )
}

fn field(v: &Value, name: &str) -> String {
    v[name].as_str().unwrap().to_owned()
}

fn trending(query: &str) -> Req {
    let path = format!("/api/charts/trending?{query}");
    req("GET", "/api/charts/trending").path(path)
}

/// The probes, the metrics and this document answer as documented.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_the_document_answer_as_documented() {
    let f = swept_app().await;
    let mut s = Sweep::new(&f.app, &f.spec);
    s.expect(200, req("GET", "/healthz")).await;
    s.expect(200, req("GET", "/readyz")).await;
    s.expect(200, req("GET", "/metrics")).await;
    s.expect(200, req("GET", "/api/openapi.json")).await;
    s.finish(HEALTH);
}

/// Signing up, then tokens created, refreshed, verified, logged out and blacklisted, and each
/// refusal on the way, answer as documented.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_and_tokens_answer_as_documented() {
    let f = swept_app().await;
    let mut s = Sweep::new(&f.app, &f.spec);
    for email in ["fan@example.com", "boss@example.com", "other@example.com"] {
        s.expect(201, register(email)).await;
    }
    f.tdb.make_admin("boss@example.com").await;
    s.expect(400, post("/auth/users/", json!({}))).await;
    s.expect(415, req("POST", "/auth/users/").raw("text/plain", "{}"))
        .await;
    s.expect(401, login("fan@example.com", "wrong password"))
        .await;
    let broken = req("POST", "/auth/jwt/create/").raw("application/json", "{");
    s.expect(400, broken).await;
    let pair = s.json(200, login("fan@example.com", PASSWORD)).await;
    let fan = field(&pair, "access");
    for email in ["boss@example.com", "other@example.com"] {
        field(&s.json(200, login(email, PASSWORD)).await, "access");
    }

    let refresh = |token: &str| json!({"refresh": token});
    let pair = s
        .json(
            200,
            post("/auth/jwt/refresh/", refresh(&field(&pair, "refresh"))),
        )
        .await;
    s.expect(401, post("/auth/jwt/refresh/", refresh("x.y.z")))
        .await;
    s.expect(200, post("/auth/jwt/verify/", json!({"token": fan})))
        .await;
    s.expect(400, post("/auth/jwt/verify/", json!({}))).await;
    s.expect(401, post("/auth/jwt/verify/", json!({"token": "x.y.z"})))
        .await;
    let spent = refresh(&field(&pair, "refresh"));
    s.expect(204, post("/auth/jwt/logout/", spent.clone()))
        .await;
    s.expect(401, post("/auth/jwt/logout/", spent)).await;
    let pair = s.json(200, login("fan@example.com", PASSWORD)).await;
    s.expect(
        204,
        post("/auth/jwt/blacklist/", refresh(&field(&pair, "refresh"))),
    )
    .await;
    s.finish(TOKENS);
}

/// The caller's account read (with a djoser `JWT` header too), renamed and refused invalid
/// changes; then an account whose password is changed, and which deletes itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_callers_account_answers_as_documented() {
    let f = swept_app().await;
    let u = users(&f).await;
    let mut s = Sweep::new(&f.app, &f.spec);
    let me = s
        .json(200, req("GET", "/auth/users/me/").bearer(&u.fan))
        .await;
    assert_eq!(me["id"].as_i64(), Some(u.fan_id), "{me}");
    // djoser clients send `JWT <token>`.
    let as_djoser =
        req("GET", "/auth/users/me/").header("Authorization", format!("JWT {}", u.boss));
    let boss = s.json(200, as_djoser).await;
    assert_eq!(boss["id"].as_i64(), Some(u.boss_id), "{boss}");
    s.expect(401, req("GET", "/auth/users/me/")).await;
    let me = |method: &'static str, body: Value| {
        req(method, "/auth/users/me/").bearer(&u.fan).json(body)
    };
    let names = json!({"first_name": "Fan", "last_name": "Tastic"});
    s.expect(200, me("PATCH", names.clone())).await;
    s.expect(200, me("PUT", names)).await;
    s.expect(400, me("PATCH", json!({"first_name": "x".repeat(151)})))
        .await;
    s.expect(400, me("DELETE", json!({}))).await;
    let set_password = req("POST", "/auth/users/set_password/").bearer(&u.fan);
    s.expect(400, set_password.json(json!({}))).await;

    // An account that goes: a password change, then the account itself.
    let (leaving, password) = ("leaving@example.com", "another horse battery");
    s.expect(201, register(leaving)).await;
    let access = field(&s.json(200, login(leaving, PASSWORD)).await, "access");
    let change = json!({
        "current_password": PASSWORD,
        "new_password": password,
        "re_new_password": password,
    });
    let set_password = req("POST", "/auth/users/set_password/").bearer(&access);
    s.expect(204, set_password.json(change)).await;
    let goodbye = json!({"current_password": password});
    let delete_me = req("DELETE", "/auth/users/me/").bearer(&access);
    s.expect(204, delete_me.json(goodbye)).await;
    s.finish(ACCOUNT);
}

/// A public profile is private (404 to others) until its owner opens it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_profiles_answer_as_documented() {
    let (f, u) = fan_swept().await;
    let mut s = Sweep::new(&f.app, &f.spec);
    let profile = |token: &str| {
        req("GET", "/api/users/{id}")
            .path(format!("/api/users/{}", u.fan_id))
            .bearer(token)
    };
    s.expect(404, profile(&u.other)).await;
    s.expect(200, profile(&u.fan)).await;
    let open = json!({"public_profile": true});
    s.expect(
        200,
        req("PATCH", "/auth/users/me/").bearer(&u.fan).json(open),
    )
    .await;
    let seen = s.json(200, profile(&u.other)).await;
    assert_eq!(seen["can_group"], true, "{seen}");
    s.finish(PROFILES);
}

/// The catalogue searched, filtered and suggested from, a movie, a person of its cast and a
/// keyword of it with their films, the genres and languages; refusals as documented.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catalogue_answers_as_documented() {
    let f = swept_app().await;
    let mut s = Sweep::new(&f.app, &f.spec);
    let movies = |query: &str| req("GET", "/api/movies").path(format!("/api/movies?{query}"));
    let found = s.json(200, movies("q=toy%20story")).await;
    let toy_story = found["results"][0]["id"].as_i64().unwrap();
    let found = s.json(200, movies("q=jumanji&sort=title&page=1")).await;
    found["results"][0]["id"].as_i64().unwrap();
    let rated = s.json(200, movies("min_ratings=20&page_size=100")).await;
    let counts: Vec<u64> = rated["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["rating"]["count"].as_u64().unwrap_or(0))
        .collect();
    assert!(
        !counts.is_empty() && counts.iter().all(|&c| c >= 20),
        "{counts:?}"
    );
    let all = s.json(200, movies("page_size=1")).await["count"].as_u64();
    assert!(rated["count"].as_u64() < all, "the filter leaves films out");
    for bad in [
        "page_size=0",
        "sort=best",
        "year_from=2000&year_to=1990",
        "min_ratings=-1",
        "min_ratings=1000001",
    ] {
        s.expect(400, movies(bad)).await;
    }
    s.expect(404, movies("genre=Nope")).await;
    let suggest = |query: &str| {
        req("GET", "/api/movies/suggest").path(format!("/api/movies/suggest?{query}"))
    };
    let typed = s.json(200, suggest("q=toy%20st&limit=3")).await;
    assert_eq!(typed[0]["id"].as_i64(), Some(toy_story), "{typed}");
    for bad in ["q=", "limit=3", "q=toy&limit=11"] {
        s.expect(400, suggest(bad)).await;
    }
    assert_eq!(
        s.json(200, suggest("q=%20%20")).await,
        json!([]),
        "blank: nothing to suggest"
    );
    let movie = |id: i64| req("GET", "/api/movies/{id}").path(format!("/api/movies/{id}"));
    let detail = s.json(200, movie(toy_story)).await;
    s.expect(404, movie(999_999)).await;
    people_and_keywords(&mut s, &detail, toy_story).await;
    s.expect(200, req("GET", "/api/genres")).await;
    let languages = s.json(200, req("GET", "/api/languages")).await;
    assert_eq!(languages[0]["code"], "en", "{languages}");
    // The stub TMDB has no watch providers: an answer that says so, not an error.
    let watch = |id: i64, query: &str| {
        req("GET", "/api/movies/{id}/watch").path(format!("/api/movies/{id}/watch?{query}"))
    };
    let offers = s.json(200, watch(toy_story, "country=fr")).await;
    assert_eq!(offers["reason"], "tmdb_unavailable", "{offers}");
    s.expect(400, watch(toy_story, "country=france")).await;
    s.expect(404, watch(999_999, "")).await;
    s.finish(CATALOGUE);
}

/// [`the_catalogue_answers_as_documented`]: a person of the movie's cast (`detail`), and a
/// keyword of it, each with their films, `movie` among them.
async fn people_and_keywords(s: &mut Sweep<'_>, detail: &Value, movie: i64) {
    let person = |id: i64| req("GET", "/api/people/{id}").path(format!("/api/people/{id}"));
    let actor = detail["cast"][0]["person_id"]
        .as_i64()
        .expect("Toy Story has a cast");
    let films = s.json(200, person(actor)).await;
    assert!(
        films["cast"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == movie),
        "{films}"
    );
    s.expect(404, person(999_999_999)).await;
    let keyword =
        |query: String| req("GET", "/api/keywords/{id}").path(format!("/api/keywords/{query}"));
    let word = detail["keywords"][0]["id"]
        .as_i64()
        .expect("Toy Story has keywords");
    let tagged = s.json(200, keyword(format!("{word}?page_size=100"))).await;
    assert_eq!(tagged["name"], detail["keywords"][0]["name"], "{tagged}");
    let listed = tagged["movies"]["results"].as_array().unwrap();
    assert!(listed.iter().any(|m| m["id"] == movie), "{tagged}");
    s.expect(400, keyword(format!("{word}?page=0"))).await;
    s.expect(404, keyword("999999999".into())).await;
    s.expect(400, keyword("abc".into())).await;
}

/// The four charts with their limit and genre filter; trending from TMDB (asked once), and top
/// rated from TMDB.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn charts_answer_as_documented() {
    let f = swept_app().await;
    let mut s = Sweep::new(&f.app, &f.spec);
    for route in [
        "/api/charts/popular",
        "/api/charts/latest",
        "/api/charts/top-rated",
        "/api/charts/trending",
    ] {
        let chart = |query: &str| req("GET", route).path(format!("{route}?{query}"));
        s.expect(200, chart("limit=5")).await;
        s.expect(400, chart("limit=0")).await;
        s.expect(404, chart("genre=Nope")).await;
    }
    let from_tmdb = s.json(200, trending("genre=Animation&limit=3")).await;
    assert_eq!(from_tmdb["source"], "tmdb", "{from_tmdb}");
    assert_eq!(from_tmdb["results"][0]["title"], "Toy Story", "{from_tmdb}");
    assert_eq!(f.tmdb.hits(), 1);
    let top_rated = "/api/charts/top-rated?source=tmdb";
    s.expect(200, req("GET", "/api/charts/top-rated").path(top_rated))
        .await;
    s.finish(CHARTS);
}

/// Similar movies by id and by title: an ambiguous title lists its candidates, an unknown one
/// suggests others; refusals as documented.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn similar_movies_answer_as_documented() {
    let f = swept_app().await;
    let toy_story = movie_id(&f.app, "toy%20story").await;
    let mut s = Sweep::new(&f.app, &f.spec);
    let similar = |id: i64, query: &str| {
        let path = format!("/api/movies/{id}/similar?{query}");
        req("GET", "/api/movies/{id}/similar").path(path)
    };
    s.expect(200, similar(toy_story, "k=3")).await;
    s.expect(400, similar(toy_story, "k=0")).await;
    s.expect(404, similar(999_999, "")).await;
    let by_title = |body: Value| post("/api/recommend/similar", body);
    s.expect(200, by_title(json!({"title": "Toy Story", "k": 3})))
        .await;
    let heat = s.json(409, by_title(json!({"title": "Heat"}))).await;
    assert!(heat["error"]["candidates"].is_array(), "{heat}");
    let nothing = s.json(404, by_title(json!({"title": "Qqqqqq"}))).await;
    assert!(nothing["error"]["suggestions"].is_array(), "{nothing}");
    s.expect(400, by_title(json!({}))).await;
    let not_json = req("POST", "/api/recommend/similar").raw("text/plain", "Heat");
    s.expect(415, not_json).await;
    s.finish(SIMILAR);
}

/// Ratings set, refused, deleted, shown on the movie and listed; recommendations from them (a
/// user without ratings gets the chart), and the home rows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ratings_and_recommendations_answer_as_documented() {
    let f = swept_app().await;
    let u = users(&f).await;
    let toy_story = movie_id(&f.app, "toy%20story").await;
    let jumanji = movie_id(&f.app, "jumanji").await;
    let mut s = Sweep::new(&f.app, &f.spec);
    let for_you = "/api/me/recommendations";
    let chart = s.json(200, req("GET", for_you).bearer(&u.other)).await;
    assert_eq!(chart["fallback"], "no_ratings");
    let rating = |method: &'static str, id: i64| {
        let path = format!("/api/movies/{id}/rating");
        req(method, "/api/movies/{id}/rating")
            .path(path)
            .bearer(&u.fan)
    };
    let rate = |id: i64, body: Value| rating("PUT", id).json(body);
    s.expect(200, rate(toy_story, json!({"rating": 4.5}))).await;
    s.expect(200, rate(jumanji, json!({"rating": 3.0}))).await;
    s.expect(400, rate(toy_story, json!({"rating": 7}))).await;
    s.expect(404, rate(999_999, json!({"rating": 4}))).await;
    let padded = json!({"rating": 4, "pad": "x".repeat(70 * 1024)});
    s.expect(413, rate(toy_story, padded)).await;
    s.expect(204, rating("DELETE", toy_story)).await;
    s.expect(404, rating("DELETE", toy_story)).await;
    s.expect(200, rate(toy_story, json!({"rating": 5}))).await;
    let movie = req("GET", "/api/movies/{id}").path(format!("/api/movies/{toy_story}"));
    let detail = s.json(200, movie.bearer(&u.fan)).await;
    assert_eq!(detail["my_rating"], 5.0);
    s.expect(200, req("GET", "/api/me/ratings").bearer(&u.fan))
        .await;
    let mine = s.json(200, req("GET", for_you).bearer(&u.fan)).await;
    assert!(
        mine["results"].as_array().is_some_and(|r| !r.is_empty()),
        "{mine}"
    );
    let too_many = req("GET", for_you).path(format!("{for_you}?k=0"));
    s.expect(400, too_many.bearer(&u.fan)).await;
    let rows = s.json(200, req("GET", "/api/me/rows").bearer(&u.fan)).await;
    assert!(rows["rows"].is_array(), "{rows}");
    s.finish(RATINGS);
}

/// Watching together with a guest whose ratings come as a file; a file that cannot be read, and
/// no guests, refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watching_together_answers_as_documented() {
    let (f, u) = fan_swept().await;
    let mut s = Sweep::new(&f.app, &f.spec);
    let group = |body: Value| {
        req("POST", "/api/recommend/group")
            .bearer(&u.fan)
            .json(body)
    };
    let guest = |file: &str| json!({"guests": [{"name": "Sam", "ratings_file": file}], "k": 5});
    let together = s
        .json(
            200,
            group(guest(
                "title,year,rating
Toy Story,1995,5
Heat,1995,4.5
",
            )),
        )
        .await;
    assert_eq!(together["members"][1]["name"], "Sam", "{together}");
    s.expect(
        422,
        group(guest(
            "no,idea
",
        )),
    )
    .await;
    s.expect(400, group(json!({"guests": []}))).await;
    s.finish(GROUP);
}

/// Ratings imported from elsewhere, an unmatched title reported; unreadable files refused; the
/// caller's films exported.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn importing_ratings_answers_as_documented() {
    let (f, u) = fan_swept().await;
    let mut s = Sweep::new(&f.app, &f.spec);
    let upload = |file: &'static str| {
        let form = Form::new().text("existing", "keep").part(
            "file",
            Part::bytes(file.as_bytes()).file_name("ratings.csv"),
        );
        req("POST", "/api/me/imports").bearer(&u.fan).form(form)
    };
    let report = s
        .json(
            200,
            upload("title,year,rating\nToy Story,1995,5\nNo Such Film,1990,3\n"),
        )
        .await;
    assert_eq!(report["unmatched"], 1, "{report}");
    s.expect(422, upload("movieId,rating\n1,eleven\n")).await;
    s.expect(422, upload("no,idea\n")).await;
    // And taken away again.
    let zip = s
        .expect(200, req("GET", "/api/me/export").bearer(&u.fan))
        .await;
    assert!(zip.bytes.starts_with(b"PK"), "not a zip");
    s.finish(IMPORTS);
}

/// The watchlist and "not interested": a movie added, listed and removed, unknown ones refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_answer_as_documented() {
    let f = swept_app().await;
    let u = users(&f).await;
    let jumanji = movie_id(&f.app, "jumanji").await;
    let mut s = Sweep::new(&f.app, &f.spec);
    for (all, template) in [
        ("/api/me/watchlist", "/api/me/watchlist/{id}"),
        ("/api/me/dismissed", "/api/me/dismissed/{id}"),
        ("/api/me/seen", "/api/me/seen/{id}"),
    ] {
        let one = |method: &'static str, id: i64| {
            req(method, template)
                .path(format!("{all}/{id}"))
                .bearer(&u.fan)
        };
        s.expect(200, one("PUT", jumanji)).await;
        s.expect(404, one("PUT", 999_999)).await;
        let listed = s.json(200, req("GET", all).bearer(&u.fan)).await;
        assert_eq!(listed[0]["movie_id"], jumanji, "{listed}");
        s.expect(204, one("DELETE", jumanji)).await;
        s.expect(404, one("DELETE", jumanji)).await;
    }
    s.finish(LISTS);
}

/// A post's form: a title, text, Toy Story rated 4.5 and `image`.
fn post_form(title: &str, movie: i64, image: Vec<u8>) -> Form {
    Form::new()
        .text("title", title.to_owned())
        .text("content", "Seen it twice.")
        .text("movie_id", movie.to_string())
        .text("rating", "4.5")
        .part("image", Part::bytes(image).file_name("IMG_0001.JPG"))
}

/// Posts made (with the camera of their image), listed, read, edited and deleted, by their
/// author only; refusals as documented.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_answer_as_documented() {
    let f = swept_app().await;
    let u = users(&f).await;
    let toy_story = movie_id(&f.app, "toy%20story").await;
    let mut s = Sweep::new(&f.app, &f.spec);
    let form = |title: &str, image: Vec<u8>| post_form(title, toy_story, image);
    let create = |form: Form| req("POST", "/api/posts").bearer(&u.fan).form(form);
    let made = s
        .json(201, create(form("Toy Story!", camera_jpeg(64, 48, 6))))
        .await;
    assert_eq!(made["image"]["camera_make"], "Canon", "{made}");
    s.expect(422, create(form("Broken", b"not an image".to_vec())))
        .await;
    s.expect(400, create(form("", camera_jpeg(8, 8, 1)))).await;
    s.expect(
        415,
        req("POST", "/api/posts").bearer(&u.fan).json(json!({})),
    )
    .await;
    let anonymous = req("POST", "/api/posts").form(form("x", camera_jpeg(8, 8, 1)));
    s.expect(401, anonymous).await;
    let posts = |query: &str| req("GET", "/api/posts").path(format!("/api/posts?{query}"));
    s.expect(200, posts("")).await;
    let fan_id = u.fan_id;
    s.expect(
        200,
        posts(&format!("user={fan_id}&movie={toy_story}&page_size=5")),
    )
    .await;
    s.expect(400, posts("page=0")).await;
    let one = |method: &'static str, id: &str| {
        req(method, "/api/posts/{id}").path(format!("/api/posts/{id}"))
    };
    let id = made["id"].to_string();
    s.expect(200, one("GET", &id)).await;
    s.expect(404, one("GET", "999999")).await;
    s.expect(400, one("GET", "abc")).await;
    let edit = |token: &str, body: Value| one("PATCH", &id).bearer(token).json(body);
    let clear = json!({"rating": null, "content": "Seen it thrice."});
    s.expect(403, edit(&u.other, clear.clone())).await;
    s.expect(400, edit(&u.fan, json!({"title": ""}))).await;
    s.expect(400, edit(&u.fan, json!({"colour": "red"}))).await;
    s.expect(200, edit(&u.fan, clear)).await;
    s.expect(403, one("DELETE", &id).bearer(&u.other)).await;
    s.expect(204, one("DELETE", &id).bearer(&u.fan)).await;
    s.expect(404, one("DELETE", &id).bearer(&u.fan)).await;
    s.finish(POSTS);
}

/// A post's image and thumbnail: JPEG, then not modified for their ETag; unknown ones 404.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn images_answer_as_documented() {
    let f = swept_app().await;
    let u = users(&f).await;
    let toy_story = movie_id(&f.app, "toy%20story").await;
    let mut s = Sweep::new(&f.app, &f.spec);
    let form = post_form("Toy Story!", toy_story, camera_jpeg(64, 48, 6));
    let made = s
        .json(201, req("POST", "/api/posts").bearer(&u.fan).form(form))
        .await;
    for (route, url) in [
        ("/api/images/{id}", &made["image"]["url"]),
        ("/api/images/{id}/thumb", &made["image"]["thumb_url"]),
    ] {
        let image = || req("GET", route).path(url.as_str().unwrap());
        let answer = s.expect(200, image()).await;
        assert_eq!(answer.content_type, "image/jpeg");
        let etag = answer.headers["etag"].to_str().unwrap().to_owned();
        s.expect(304, image().header("If-None-Match", etag)).await;
        s.expect(404, req("GET", route).path(concrete(route, "999999")))
            .await;
    }
    s.finish(IMAGES);
}

/// The admin dashboard, to admins only: its tables, users edited and deleted (not the admin
/// themself), a rating deleted; refusals as documented.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_dashboard_answers_as_documented() {
    let f = swept_app().await;
    let u = users(&f).await;
    let (_, jumanji) = fan_rates(&f, &u).await;
    let (fan, boss) = (&u.fan, &u.boss);
    let mut s = Sweep::new(&f.app, &f.spec);
    for route in [
        "/api/admin/stats",
        "/api/admin/users",
        "/api/admin/ratings",
        "/api/admin/models",
    ] {
        s.expect(403, req("GET", route).bearer(fan)).await;
        s.expect(200, req("GET", route).bearer(boss)).await;
    }
    let table = |route: &'static str, query: &str| {
        req("GET", route)
            .path(format!("{route}?{query}"))
            .bearer(boss)
    };
    s.expect(200, table("/api/admin/users", "q=fan&page=1&page_size=5"))
        .await;
    s.expect(200, table("/api/admin/ratings", "q=toy")).await;
    s.expect(400, table("/api/admin/ratings", "page_size=101"))
        .await;
    let user = |method: &'static str, id: &str| {
        let path = format!("/api/admin/users/{id}");
        req(method, "/api/admin/users/{id}").path(path).bearer(boss)
    };
    let (fan_id, boss_id) = (u.fan_id.to_string(), u.boss_id.to_string());
    s.expect(
        200,
        user("PATCH", &fan_id).json(json!({"last_name": "Fanatic"})),
    )
    .await;
    s.expect(
        400,
        user("PATCH", &boss_id).json(json!({"is_admin": false})),
    )
    .await;
    s.expect(400, user("PATCH", "abc").json(json!({}))).await;
    s.expect(404, user("PATCH", "999999").json(json!({}))).await;
    s.expect(403, user("PATCH", &fan_id).bearer(fan).json(json!({})))
        .await;
    s.expect(400, user("DELETE", &boss_id)).await;
    s.expect(404, user("DELETE", "999999")).await;
    let rating_row = |user: &str, movie: i64| {
        let path = format!("/api/admin/ratings/{user}/{movie}");
        let route = "/api/admin/ratings/{user_id}/{movie_id}";
        req("DELETE", route).path(path).bearer(boss)
    };
    s.expect(204, rating_row(&fan_id, jumanji)).await;
    s.expect(404, rating_row(&fan_id, jumanji)).await;
    s.expect(204, user("DELETE", &fan_id)).await;
    s.finish(ADMIN);
}

/// Retraining: refused to a user, started by an admin, and the new version recorded ready.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retraining_answers_as_documented() {
    let (f, u) = fan_swept().await;
    let mut s = Sweep::new(&f.app, &f.spec);
    let retrain = || req("POST", "/api/admin/models/retrain");
    s.expect(403, retrain().bearer(&u.fan)).await;
    let started = s.json(202, retrain().bearer(&u.boss)).await;
    assert_eq!(started["training"]["state"], "running", "{started}");
    // Until the new version is recorded, so that one is checked against the document.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let models = s
            .json(200, req("GET", "/api/admin/models").bearer(&u.boss))
            .await;
        if models["training"]["state"] != "running" {
            assert_eq!(models["versions"][0]["status"], "ready", "{models}");
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{models}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    s.finish(RETRAIN);
}

/// Rate-limited login and registration, on an app that allows one attempt a minute; its TMDB is
/// unreachable, so the trending chart is the popular one, saying why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_and_an_unreachable_tmdb_answer_as_documented() {
    let limited_db = TestDb::create(Backend::Sqlite).await.unwrap();
    let settings = ApiSettings {
        auth_rate_limit: 1,
        tmdb_api_key: Some(nextflex_store::config::Secret::new(
            crate::helpers::TMDB_KEY,
        )),
        tmdb_api_url: tmdb::closed_port_url(),
        ..ApiSettings::default()
    };
    let limited = TestApp::spawn_with(&limited_db.config(), &[], &[], &settings).await;
    let spec = spec_of(&limited).await;
    let mut s = Sweep::new(&limited, &spec);
    s.expect(401, login("nobody@example.com", PASSWORD)).await;
    s.expect(429, login("nobody@example.com", PASSWORD)).await;
    s.expect(429, register("nobody@example.com")).await;
    let fallback = s.json(200, trending("limit=5")).await;
    assert_eq!(fallback["source"], "popular", "{fallback}");
    assert_eq!(fallback["fallback"], "tmdb_unavailable", "{fallback}");
    s.finish(LIMITS);
}

/// Swagger UI answers at /api/docs with every script, style and icon it names served by us, none
/// from elsewhere, and reads /api/openapi.json.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn swagger_ui_is_served_offline() {
    let tdb = TestDb::create(Backend::Sqlite).await.unwrap();
    let app = TestApp::spawn(&tdb.config()).await;
    let res = app.get("/api/docs").await;
    assert_eq!(res.status(), 200);
    let page = res.url().clone();
    assert_eq!(page.path(), "/api/docs/");
    let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let html = res.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");

    let mut assets: BTreeMap<String, String> = BTreeMap::new();
    for attribute in ["src=\"", "href=\""] {
        for (i, _) in html.match_indices(attribute) {
            let target = html[i + attribute.len()..].split('"').next().unwrap();
            assert!(
                !target.contains("//"),
                "{attribute}{target}\": the page loads something from elsewhere"
            );
            assets.insert(target.to_owned(), attribute.to_owned());
        }
    }
    let scripts = assets.values().filter(|a| a.starts_with("src")).count();
    assert!(scripts >= 2, "{assets:?}");
    assert!(assets.keys().any(|a| a.ends_with(".css")), "{assets:?}");

    let mut initializer = None;
    for asset in assets.keys() {
        let url = page.join(asset).unwrap();
        let res = app.client.get(url.clone()).send().await.unwrap();
        assert_eq!(res.status(), 200, "{url}");
        let body = res.text().await.unwrap();
        assert!(!body.is_empty(), "{url}");
        if asset.ends_with("swagger-initializer.js") {
            initializer = Some(body);
        }
    }
    let initializer = initializer.expect("the page runs swagger-initializer.js");
    assert!(
        initializer.contains("\"/api/openapi.json\""),
        "{initializer}"
    );
    assert!(
        initializer.contains("\"validatorUrl\": \"none\""),
        "{initializer}"
    );
    assert!(!initializer.contains("https://"), "{initializer}");
}
