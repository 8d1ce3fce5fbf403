//! What `serde_json` does not say about a JSON text: how deeply it nests, and which object
//! keys it repeats (`serde_json` keeps the last value of a repeated key, silently).
//!
//! Why a scan of our own rather than a `Deserialize` visitor: `serde_json`'s deserializer
//! gives a visitor no position (its `RawValue` offsets cover values, not keys, and a key with
//! escapes is handed over as an owned string), and the message must name both occurrences'
//! lines and columns. So [`nesting`] runs over the bytes *before* `serde_json` (it needs only
//! brackets outside strings, which any text has), and [`duplicates`] runs *after* `serde_json`
//! has accepted the text: the text is then known to be valid JSON, so a small lexical walk
//! (strings, brackets, commas) finds every key with its byte offset, and compares keys as
//! `serde_json` does (escapes decoded: `"a"` and `"\u0061"` are the same key).

use std::collections::HashMap;

/// The byte offset of the first bracket that opens a level deeper than `max`, if any.
/// Brackets inside strings do not count; the text need not be valid JSON. With `toml`,
/// literal strings (`'…'`) and comments (`# …`) are skipped too.
pub(super) fn nesting(text: &str, max: usize, toml: bool) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => at = string_end(bytes, at),
            b'\'' if toml => {
                at = memchr_from(bytes, at + 1, b'\'');
            }
            b'#' if toml => {
                at = memchr_from(bytes, at + 1, b'\n');
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > max {
                    return Some(at);
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        at += 1;
    }
    None
}

/// The offset of the next `byte` from `from` (or the text's end).
fn memchr_from(bytes: &[u8], from: usize, byte: u8) -> usize {
    bytes
        .get(from..)
        .and_then(|rest| rest.iter().position(|&b| b == byte))
        .map_or(bytes.len(), |i| from + i)
}

/// The offset of the closing quote of the string opening at `open` (or the text's end).
fn string_end(bytes: &[u8], open: usize) -> usize {
    let mut at = open + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// A key written more than once in one object.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Duplicate {
    /// The field path of the key (`timeWindows[0].endTime`).
    pub path: String,
    /// The key as decoded.
    pub key: String,
    /// The byte offset of each occurrence's opening quote, in order.
    pub offsets: Vec<usize>,
}

/// One open container while walking the text.
enum Frame {
    Object {
        /// Each key seen, with the index of its entry in the output when repeated, or the
        /// offset of its one occurrence so far.
        keys: HashMap<String, Seen>,
        /// The key whose value comes next (or came last).
        current: Option<String>,
        expect_key: bool,
    },
    Array {
        index: usize,
    },
}

#[derive(Clone, Copy)]
enum Seen {
    Once(usize),
    Repeated(usize),
}

/// Every repeated key of a text that `serde_json` accepted, in the order their second
/// occurrences appear.
pub(super) fn duplicates(text: &str) -> Vec<Duplicate> {
    let bytes = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut out: Vec<Duplicate> = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => {
                let end = string_end(bytes, at);
                let is_key = matches!(
                    stack.last(),
                    Some(Frame::Object {
                        expect_key: true,
                        ..
                    })
                );
                if is_key {
                    let raw = &text[at..(end + 1).min(text.len())];
                    let key = if raw.contains('\\') {
                        serde_json::from_str::<String>(raw).unwrap_or_default()
                    } else {
                        raw.trim_matches('"').to_owned()
                    };
                    let seen = match stack.last() {
                        Some(Frame::Object { keys, .. }) => keys.get(&key).copied(),
                        _ => None,
                    };
                    let path =
                        matches!(seen, Some(Seen::Once(_))).then(|| path_of(&stack, Some(&key)));
                    if let Some(Frame::Object {
                        keys,
                        current,
                        expect_key,
                    }) = stack.last_mut()
                    {
                        *expect_key = false;
                        match seen {
                            None => {
                                keys.insert(key.clone(), Seen::Once(at));
                            }
                            Some(Seen::Repeated(i)) => out[i].offsets.push(at),
                            Some(Seen::Once(first)) => {
                                keys.insert(key.clone(), Seen::Repeated(out.len()));
                                out.push(Duplicate {
                                    path: path.unwrap_or_default(),
                                    key: key.clone(),
                                    offsets: vec![first, at],
                                });
                            }
                        }
                        *current = Some(key);
                    }
                }
                at = end;
            }
            b'{' => stack.push(Frame::Object {
                keys: HashMap::new(),
                current: None,
                expect_key: true,
            }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { expect_key, .. }) => *expect_key = true,
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            _ => {}
        }
        at += 1;
    }
    out
}

/// The field path of the value the walk is in, then `key`.
fn path_of(stack: &[Frame], key: Option<&str>) -> String {
    let mut path = String::new();
    let last = stack.len().saturating_sub(1);
    for (depth, frame) in stack.iter().enumerate() {
        match frame {
            Frame::Array { index } => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
            Frame::Object { current, .. } => {
                let k = if depth == last {
                    key
                } else {
                    current.as_deref()
                };
                if let Some(k) = k {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(&super::shown_key(k));
                }
            }
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_repeated_keys_at_every_level_with_their_offsets() {
        let text = r#"{"a":1,"b":{"c":[{"d":1,"d":2,"\u0064":3}],"c":0},"a":"x"}"#;
        let found = duplicates(text);
        let paths: Vec<(&str, usize)> = found
            .iter()
            .map(|d| (d.path.as_str(), d.offsets.len()))
            .collect();
        assert_eq!(paths, [("b.c[0].d", 3), ("b.c", 2), ("a", 2)]);
        assert_eq!(found[2].offsets, [1, text.rfind(r#""a""#).unwrap()]);
    }

    #[test]
    fn strings_with_brackets_and_escaped_quotes_are_skipped() {
        assert!(duplicates(r#"{"a":"{\"a\":1,","b":["a","a"]}"#).is_empty());
        assert_eq!(nesting(r#"[["[[[[["]]"#, 2, false), None);
        assert_eq!(nesting("[[[", 2, false), Some(2));
        assert_eq!(nesting("a = '[[[' # [[[\nb = [[]]", 2, true), None);
    }
}
