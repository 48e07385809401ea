//! A small, strict parser for the Python literals in the Kaggle "The Movies Dataset" columns,
//! e.g. `[{'id': 16, 'name': 'Animation'}]`: what Python's `repr` writes and
//! `ast.literal_eval` reads back — `None`, `True`, `False`, integers, floats, strings in either
//! quote style with their escapes, lists, tuples and dicts, nested.
//!
//! Strict means: anything else (sets, expressions, bare names, unbalanced brackets, trailing
//! text) is an error with its byte offset, never a guess. Nesting is bounded so hostile input
//! cannot overflow the stack.

use std::fmt;

/// A parsed Python literal.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Value>),
    Tuple(Vec<Value>),
    /// Entries in source order (Python dicts keep insertion order).
    Dict(Vec<(Value, Value)>),
}

impl Value {
    /// The value under a string key of a dict.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Dict(entries) => entries
                .iter()
                .find(|(k, _)| matches!(k, Value::Str(s) if s == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The items of a list or tuple.
    pub fn as_items(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) | Value::Tuple(items) => Some(items),
            _ => None,
        }
    }
}

/// Where and why parsing failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid Python literal at byte {offset}: {reason}")]
pub struct ParseError {
    pub offset: usize,
    pub reason: &'static str,
}

/// Deeper nesting than this is refused (the datasets nest three levels at most).
pub const MAX_DEPTH: usize = 64;

/// Parses one literal; only white space may surround it.
pub fn parse(input: &str) -> Result<Value, ParseError> {
    let mut p = Parser {
        src: input.as_bytes(),
        text: input,
        pos: 0,
    };
    let value = p.value(0)?;
    p.skip_ws();
    if p.pos != p.src.len() {
        return Err(p.error("unexpected text after the literal"));
    }
    Ok(value)
}

struct Parser<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, reason: &'static str) -> ParseError {
        ParseError {
            offset: self.pos,
            reason,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.skip_ws();
        match self.peek() {
            None => Err(self.error("expected a value, found the end")),
            Some(b'[') => {
                self.pos += 1;
                let (items, _) = self.sequence(b']', depth)?;
                Ok(Value::List(items))
            }
            Some(b'(') => {
                self.pos += 1;
                let (mut items, trailing_comma) = self.sequence(b')', depth)?;
                // `(x)` is just x in Python; a tuple needs a comma unless it is empty.
                if items.len() == 1 && !trailing_comma {
                    Ok(items.remove(0))
                } else {
                    Ok(Value::Tuple(items))
                }
            }
            Some(b'{') => {
                self.pos += 1;
                self.dict(depth)
            }
            Some(b'\'' | b'"') => self.string().map(Value::Str),
            Some(b'u' | b'U') if matches!(self.src.get(self.pos + 1), Some(b'\'' | b'"')) => {
                self.pos += 1;
                self.string().map(Value::Str)
            }
            Some(b'-' | b'+' | b'0'..=b'9' | b'.') => self.number(),
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => self.name(),
            Some(_) => Err(self.error("unexpected character")),
        }
    }

    /// Items up to `close`; returns them and whether a comma followed the last one.
    fn sequence(&mut self, close: u8, depth: usize) -> Result<(Vec<Value>, bool), ParseError> {
        let mut items = Vec::new();
        let mut trailing_comma = false;
        loop {
            self.skip_ws();
            if self.peek() == Some(close) {
                self.pos += 1;
                return Ok((items, trailing_comma));
            }
            if self.peek().is_none() {
                return Err(self.error("unclosed bracket at the end"));
            }
            if !items.is_empty() && !trailing_comma {
                return Err(self.error("expected a comma or a closing bracket"));
            }
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            trailing_comma = self.peek() == Some(b',');
            if trailing_comma {
                self.pos += 1;
            }
        }
    }

    fn dict(&mut self, depth: usize) -> Result<Value, ParseError> {
        let mut entries = Vec::new();
        let mut after_comma = true;
        loop {
            self.skip_ws();
            if self.peek() == Some(b'}') {
                self.pos += 1;
                return Ok(Value::Dict(entries));
            }
            if !after_comma {
                return Err(self.error("expected a comma or '}'"));
            }
            let key = self.value(depth + 1)?;
            if matches!(key, Value::List(_) | Value::Dict(_)) {
                return Err(self.error("unhashable dict key"));
            }
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.error("expected ':' (sets are not supported)"));
            }
            self.pos += 1;
            let value = self.value(depth + 1)?;
            entries.push((key, value));
            self.skip_ws();
            after_comma = self.peek() == Some(b',');
            if after_comma {
                self.pos += 1;
            }
        }
    }

    fn name(&mut self) -> Result<Value, ParseError> {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || c == b'_' {
                self.pos += 1;
            } else {
                break;
            }
        }
        match &self.src[start..self.pos] {
            b"None" => Ok(Value::None),
            b"True" => Ok(Value::Bool(true)),
            b"False" => Ok(Value::Bool(false)),
            _ => {
                self.pos = start;
                Err(self.error("unknown name (only None, True and False are literals)"))
            }
        }
    }

    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.pos;
        if let Some(b'-' | b'+') = self.peek() {
            self.pos += 1;
        }
        let digits_start = self.pos;
        let mut is_float = false;
        while let Some(c) = self.peek() {
            match c {
                b'0'..=b'9' | b'_' => self.pos += 1,
                b'.' => {
                    is_float = true;
                    self.pos += 1;
                }
                b'e' | b'E' => {
                    is_float = true;
                    self.pos += 1;
                    if let Some(b'-' | b'+') = self.peek() {
                        self.pos += 1;
                    }
                }
                _ => break,
            }
        }
        let raw = &self.text[start..self.pos];
        // Python allows `_` only between two digits.
        let bytes = raw.as_bytes();
        let misplaced_underscore = bytes.iter().enumerate().any(|(i, &b)| {
            b == b'_'
                && !(i > 0
                    && bytes[i - 1].is_ascii_digit()
                    && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
        });
        if self.pos == digits_start || misplaced_underscore {
            self.pos = start;
            return Err(self.error("malformed number"));
        }
        let clean: String = raw.chars().filter(|&c| c != '_').collect();
        if is_float {
            match clean.parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(Value::Float(x)),
                // Python reads 1e999 as inf, which `repr` writes as a name no literal parser reads.
                Ok(_) => {
                    self.pos = start;
                    Err(self.error("float out of range"))
                }
                Err(_) => {
                    self.pos = start;
                    Err(self.error("malformed number"))
                }
            }
        } else {
            // Python 3 refuses leading zeros in decimal integers (except 0 itself).
            let digits = clean.trim_start_matches(['-', '+']);
            if digits.len() > 1 && digits.starts_with('0') && digits.bytes().any(|b| b != b'0') {
                self.pos = start;
                return Err(self.error("leading zeros in an integer"));
            }
            clean.parse::<i64>().map(Value::Int).map_err(|_| {
                self.pos = start;
                self.error("integer out of range")
            })
        }
    }

    fn string(&mut self) -> Result<String, ParseError> {
        let quote = self.src[self.pos];
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                self.pos = open;
                return Err(self.error("unterminated string"));
            };
            match c {
                _ if c == quote => {
                    self.pos += 1;
                    return Ok(out);
                }
                b'\n' | b'\r' => return Err(self.error("newline inside a string")),
                b'\\' => {
                    self.pos += 1;
                    self.escape(&mut out)?;
                }
                _ => {
                    // Copy the run of plain characters up to the next quote, backslash or newline.
                    let start = self.pos;
                    while let Some(c) = self.peek() {
                        if c == quote || c == b'\\' || c == b'\n' || c == b'\r' {
                            break;
                        }
                        self.pos += 1;
                    }
                    out.push_str(&self.text[start..self.pos]);
                }
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), ParseError> {
        let Some(c) = self.peek() else {
            return Err(self.error("unterminated string"));
        };
        self.pos += 1;
        match c {
            b'\\' => out.push('\\'),
            b'\'' => out.push('\''),
            b'"' => out.push('"'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'a' => out.push('\x07'),
            b'b' => out.push('\x08'),
            b'f' => out.push('\x0c'),
            b'v' => out.push('\x0b'),
            b'\n' => {} // a line continuation
            b'0'..=b'7' => {
                let mut code = u32::from(c - b'0');
                for _ in 0..2 {
                    match self.peek() {
                        Some(d @ b'0'..=b'7') => {
                            code = code * 8 + u32::from(d - b'0');
                            self.pos += 1;
                        }
                        _ => break,
                    }
                }
                out.push(char::from_u32(code).ok_or_else(|| self.error("invalid octal escape"))?);
            }
            b'x' => out.push(self.hex_char(2)?),
            b'u' => out.push(self.unicode_escape(4)?),
            b'U' => out.push(self.hex_char(8)?),
            _ => {
                // Python keeps unknown escapes as written, backslash included.
                out.push('\\');
                self.pos -= 1;
            }
        }
        Ok(())
    }

    fn hex(&mut self, len: usize) -> Result<u32, ParseError> {
        let digits = self
            .text
            .get(self.pos..self.pos + len)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("malformed escape"))?;
        let code = u32::from_str_radix(digits, 16).map_err(|_| self.error("malformed escape"))?;
        self.pos += len;
        Ok(code)
    }

    fn hex_char(&mut self, len: usize) -> Result<char, ParseError> {
        let code = self.hex(len)?;
        char::from_u32(code).ok_or_else(|| self.error("escape is not a valid character"))
    }

    /// `\uXXXX`, joining a UTF-16 surrogate pair written as two escapes.
    fn unicode_escape(&mut self, len: usize) -> Result<char, ParseError> {
        let code = self.hex(len)?;
        if (0xD800..0xDC00).contains(&code) && self.src[self.pos..].starts_with(b"\\u") {
            let save = self.pos;
            self.pos += 2;
            let low = self.hex(4)?;
            if (0xDC00..0xE000).contains(&low) {
                let joined = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                return char::from_u32(joined).ok_or_else(|| self.error("invalid surrogate pair"));
            }
            self.pos = save;
        }
        char::from_u32(code).ok_or_else(|| self.error("lone surrogate in a unicode escape"))
    }
}

/// Writes a value back as Python would (`repr`), single-quoting strings where Python does.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::None => f.write_str("None"),
            Value::Bool(true) => f.write_str("True"),
            Value::Bool(false) => f.write_str("False"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => {
                if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e16 {
                    write!(f, "{x:.1}")
                } else {
                    write!(f, "{x:?}")
                }
            }
            Value::Str(s) => {
                let quote = if s.contains('\'') && !s.contains('"') {
                    '"'
                } else {
                    '\''
                };
                write!(f, "{quote}")?;
                for c in s.chars() {
                    match c {
                        '\\' => f.write_str("\\\\")?,
                        '\n' => f.write_str("\\n")?,
                        '\r' => f.write_str("\\r")?,
                        '\t' => f.write_str("\\t")?,
                        c if c == quote => write!(f, "\\{c}")?,
                        c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                            write!(f, "\\x{:02x}", c as u32)?
                        }
                        c => write!(f, "{c}")?,
                    }
                }
                write!(f, "{quote}")
            }
            Value::List(items) => {
                f.write_str("[")?;
                write_items(f, items)?;
                f.write_str("]")
            }
            Value::Tuple(items) => {
                f.write_str("(")?;
                write_items(f, items)?;
                if items.len() == 1 {
                    f.write_str(",")?;
                }
                f.write_str(")")
            }
            Value::Dict(entries) => {
                f.write_str("{")?;
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_str("}")
            }
        }
    }
}

fn write_items(f: &mut fmt::Formatter<'_>, items: &[Value]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn s(v: &str) -> Value {
        Value::Str(v.into())
    }

    #[test]
    fn dataset_examples() {
        let genres =
            parse("[{'id': 16, 'name': 'Animation'}, {'id': 35, 'name': 'Comedy'}]").unwrap();
        let items = genres.as_items().unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].get("id").and_then(Value::as_i64), Some(16));
        assert_eq!(items[1].get("name").and_then(Value::as_str), Some("Comedy"));

        let collection = parse(
            "{'id': 10194, 'name': 'Toy Story Collection', 'poster_path': None, 'backdrop_path': '/9F.jpg'}",
        )
        .unwrap();
        assert_eq!(collection.get("poster_path"), Some(&Value::None));

        // Both quote styles, as repr picks: double quotes when the text holds an apostrophe.
        let cast = parse(
            r#"[{'character': "Andy's Mom", 'gender': 1, 'order': 2, 'profile_path': None}]"#,
        )
        .unwrap();
        assert_eq!(
            cast.as_items().unwrap()[0].get("character"),
            Some(&s("Andy's Mom"))
        );
        assert_eq!(parse("[]").unwrap(), Value::List(vec![]));
        assert_eq!(parse("  True ").unwrap(), Value::Bool(true));
    }

    #[test]
    fn escapes_match_python() {
        assert_eq!(parse(r"'it\'s'").unwrap(), s("it's"));
        assert_eq!(parse(r#""say \"hi\"""#).unwrap(), s("say \"hi\""));
        assert_eq!(parse(r"'a\nb\tc\\d'").unwrap(), s("a\nb\tc\\d"));
        assert_eq!(parse(r"'\xe9\u00e9\U0001F600\101'").unwrap(), s("éé😀A"));
        assert_eq!(parse(r"'\ud83d\ude00'").unwrap(), s("😀"));
        assert_eq!(parse(r"'\d'").unwrap(), s("\\d"), "unknown escapes stay");
        assert_eq!(parse("'Amélie'").unwrap(), s("Amélie"));
        assert_eq!(parse("u'x'").unwrap(), s("x"));
    }

    #[test]
    fn numbers() {
        assert_eq!(parse("-12").unwrap(), Value::Int(-12));
        assert_eq!(parse("1_000").unwrap(), Value::Int(1000));
        assert_eq!(parse("7.5").unwrap(), Value::Float(7.5));
        assert_eq!(parse("1e-07").unwrap(), Value::Float(1e-7));
        assert_eq!(parse(".5").unwrap(), Value::Float(0.5));
        assert_eq!(parse("0").unwrap(), Value::Int(0));
        assert_eq!(parse("00").unwrap(), Value::Int(0));
    }

    #[test]
    fn tuples_and_nesting() {
        assert_eq!(parse("()").unwrap(), Value::Tuple(vec![]));
        assert_eq!(parse("(1,)").unwrap(), Value::Tuple(vec![Value::Int(1)]));
        assert_eq!(parse("(1)").unwrap(), Value::Int(1));
        assert_eq!(
            parse("{(1, 2): [None, {'a': (True,)}],}").unwrap(),
            Value::Dict(vec![(
                Value::Tuple(vec![Value::Int(1), Value::Int(2)]),
                Value::List(vec![
                    Value::None,
                    Value::Dict(vec![(s("a"), Value::Tuple(vec![Value::Bool(true)]))])
                ])
            )])
        );
    }

    #[test]
    fn errors_name_their_place() {
        let cases: &[(&str, usize, &str)] = &[
            ("", 0, "end"),
            ("[1, 2", 5, "end"),
            ("[1 2]", 3, "comma"),
            ("{'a' 1}", 5, "':'"),
            ("{1, 2}", 2, "':'"),
            ("'abc", 0, "unterminated"),
            ("'a\nb'", 2, "newline"),
            ("nan", 0, "unknown name"),
            ("null", 0, "unknown name"),
            ("1 2", 2, "after the literal"),
            ("99999999999999999999", 0, "out of range"),
            ("007", 0, "leading zeros"),
            ("'\\x4'", 3, "malformed escape"),
            ("'\\ud800'", 7, "surrogate"),
            ("{[1]: 2}", 4, "unhashable"),
            ("1985-10-22", 4, "after the literal"),
            ("1.2.3", 0, "malformed number"),
            ("-", 0, "malformed number"),
            ("62626E_7667", 0, "malformed number"),
            ("1__0", 0, "malformed number"),
            ("_1", 0, "unknown name"),
            ("1_", 0, "malformed number"),
            ("1e999", 0, "float out of range"),
        ];
        for (input, offset, reason) in cases {
            let err = parse(input).unwrap_err();
            assert_eq!(err.offset, *offset, "{input:?}: {err}");
            assert!(err.reason.contains(reason), "{input:?}: {err}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let deep = "[".repeat(100_000);
        assert!(parse(&deep).unwrap_err().reason.contains("deeply"));
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
    }

    fn value_strategy() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::None),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::Int),
            any::<f64>()
                .prop_filter("finite", |x| x.is_finite())
                .prop_map(Value::Float),
            any::<String>().prop_map(Value::Str),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::List),
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Tuple),
                prop::collection::vec(
                    (
                        prop_oneof![
                            any::<String>().prop_map(Value::Str),
                            any::<i64>().prop_map(Value::Int)
                        ],
                        inner
                    ),
                    0..6
                )
                .prop_map(Value::Dict),
            ]
        })
    }

    proptest! {
        #[test]
        fn repr_round_trips(value in value_strategy()) {
            let text = value.to_string();
            prop_assert_eq!(parse(&text).unwrap(), value);
        }

        #[test]
        fn never_panics_on_any_text(text in any::<String>()) {
            let _ = parse(&text);
        }

        #[test]
        fn never_panics_on_literal_like_text(text in "[\\[\\]{}()'\",:\\\\ a-zA-Z0-9.+_\\-eux]{0,64}") {
            let _ = parse(&text);
        }
    }
}
