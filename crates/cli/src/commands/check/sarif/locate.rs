//! Where each value of a document starts, whatever its format.

use cxsched_core::Format;

/// A value of the document and where it starts (1-based line and column).
pub struct Node {
    pub line: usize,
    pub column: usize,
    pub kind: Kind,
}

pub enum Kind {
    Map(Vec<(String, Node)>),
    Seq(Vec<Node>),
    Leaf,
}

/// The document's tree of positions; `None` when it does not parse.
pub fn tree(text: &str, format: Format) -> Option<Node> {
    match format {
        Format::Json => json(text),
        Format::Toml => toml(text),
        Format::Yaml => yaml(text),
    }
}

/// The line and column of a field path (`timeWindows[3].endTime`,
/// `compliance.recipients`): of the value itself, else of its nearest present
/// parent; `None` for the document itself and for paths that are not fields
/// (`--recipient-*`).
pub fn find(root: &Node, path: &str) -> Option<(usize, usize)> {
    if path.is_empty() || path.starts_with('-') {
        return None;
    }
    let mut node = root;
    let mut found = None;
    for part in path.split('.') {
        let (key, indices) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            let Kind::Map(entries) = &node.kind else {
                break;
            };
            let Some((_, n)) = entries.iter().find(|(k, _)| k == key) else {
                break;
            };
            node = n;
            found = Some((node.line, node.column));
        }
        for index in indices.split('[').skip(1) {
            let Some(i) = index
                .strip_suffix(']')
                .and_then(|i| i.parse::<usize>().ok())
            else {
                return found;
            };
            let Kind::Seq(items) = &node.kind else {
                return found;
            };
            let Some(n) = items.get(i) else { return found };
            node = n;
            found = Some((node.line, node.column));
        }
    }
    found
}

/// Line starts of a text, to turn byte offsets into lines and columns.
struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Lines<'t> {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Lines { text, starts }
    }

    fn at(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let column = self
            .text
            .get(start..offset)
            .map_or(1, |s| s.chars().count() + 1);
        (line + 1, column)
    }
}

/// JSON: a small recursive-descent scan recording each value's first byte.
fn json(text: &str) -> Option<Node> {
    let lines = Lines::new(text);
    let mut p = JsonScan {
        b: text.as_bytes(),
        i: 0,
        lines: &lines,
        depth: 0,
    };
    p.ws();
    if p.b.get(p.i) == Some(&0xEF) {
        p.i += 3; // a byte order mark
        p.ws();
    }
    p.value()
}

struct JsonScan<'a> {
    b: &'a [u8],
    i: usize,
    lines: &'a Lines<'a>,
    depth: usize,
}

impl JsonScan<'_> {
    fn ws(&mut self) {
        while self.b.get(self.i).is_some_and(|c| b" \t\r\n".contains(c)) {
            self.i += 1;
        }
    }

    fn value(&mut self) -> Option<Node> {
        self.depth += 1;
        if self.depth > 128 {
            return None;
        }
        let (line, column) = self.lines.at(self.i);
        let kind = match *self.b.get(self.i)? {
            b'{' => {
                self.i += 1;
                let mut entries = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b'}') {
                    self.i += 1;
                } else {
                    loop {
                        self.ws();
                        let key = self.string()?;
                        self.ws();
                        (self.b.get(self.i) == Some(&b':')).then_some(())?;
                        self.i += 1;
                        self.ws();
                        entries.push((key, self.value()?));
                        self.ws();
                        match self.b.get(self.i)? {
                            b',' => self.i += 1,
                            b'}' => {
                                self.i += 1;
                                break;
                            }
                            _ => return None,
                        }
                    }
                }
                Kind::Map(entries)
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b']') {
                    self.i += 1;
                } else {
                    loop {
                        self.ws();
                        items.push(self.value()?);
                        self.ws();
                        match self.b.get(self.i)? {
                            b',' => self.i += 1,
                            b']' => {
                                self.i += 1;
                                break;
                            }
                            _ => return None,
                        }
                    }
                }
                Kind::Seq(items)
            }
            b'"' => {
                self.string()?;
                Kind::Leaf
            }
            _ => {
                let start = self.i;
                while self
                    .b
                    .get(self.i)
                    .is_some_and(|c| !b" \t\r\n,]}".contains(c))
                {
                    self.i += 1;
                }
                (self.i > start).then_some(())?;
                Kind::Leaf
            }
        };
        self.depth -= 1;
        Some(Node { line, column, kind })
    }

    /// A string at the cursor, decoded.
    fn string(&mut self) -> Option<String> {
        (self.b.get(self.i) == Some(&b'"')).then_some(())?;
        let start = self.i;
        self.i += 1;
        let mut escaped = false;
        loop {
            match *self.b.get(self.i)? {
                b'\\' => {
                    escaped = true;
                    self.i += 2;
                }
                b'"' => break,
                _ => self.i += 1,
            }
        }
        self.i += 1;
        let raw = std::str::from_utf8(&self.b[start..self.i]).ok()?;
        if escaped {
            serde_json::from_str(raw).ok()
        } else {
            Some(raw[1..raw.len() - 1].to_owned())
        }
    }
}

/// TOML: `toml`'s spanned tables (byte ranges of every key and value).
fn toml(text: &str) -> Option<Node> {
    use toml::de::{DeTable, DeValue};
    fn node(v: &toml::Spanned<DeValue<'_>>, lines: &Lines<'_>) -> Node {
        let (line, column) = lines.at(v.span().start);
        let kind = match v.get_ref() {
            DeValue::Table(t) => table(t, lines),
            DeValue::Array(a) => Kind::Seq(a.iter().map(|v| node(v, lines)).collect()),
            _ => Kind::Leaf,
        };
        Node { line, column, kind }
    }
    fn table(t: &DeTable<'_>, lines: &Lines<'_>) -> Kind {
        Kind::Map(
            t.iter()
                .map(|(k, v)| (k.get_ref().to_string(), node(v, lines)))
                .collect(),
        )
    }
    let lines = Lines::new(text);
    let root = DeTable::parse(text).ok()?;
    Some(Node {
        line: 1,
        column: 1,
        kind: table(root.get_ref(), &lines),
    })
}

/// YAML: `serde_saphyr::Spanned` on every node.
fn yaml(text: &str) -> Option<Node> {
    let root: serde_saphyr::Spanned<Yaml> = serde_saphyr::from_str(text).ok()?;
    Some(root.into())
}

enum Yaml {
    Map(Vec<(String, serde_saphyr::Spanned<Yaml>)>),
    Seq(Vec<serde_saphyr::Spanned<Yaml>>),
    Leaf,
}

impl From<serde_saphyr::Spanned<Yaml>> for Node {
    fn from(s: serde_saphyr::Spanned<Yaml>) -> Node {
        let kind = match s.value {
            Yaml::Map(entries) => {
                Kind::Map(entries.into_iter().map(|(k, v)| (k, v.into())).collect())
            }
            Yaml::Seq(items) => Kind::Seq(items.into_iter().map(Node::from).collect()),
            Yaml::Leaf => Kind::Leaf,
        };
        Node {
            line: usize::try_from(s.referenced.line()).unwrap_or(0),
            column: usize::try_from(s.referenced.column()).unwrap_or(0),
            kind,
        }
    }
}

impl<'de> serde::Deserialize<'de> for Yaml {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Yaml, D::Error> {
        d.deserialize_any(YamlVisitor)
    }
}

/// A mapping key: any scalar, as text.
struct Key(String);

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Key;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a scalar key")
            }
            fn visit_str<E>(self, v: &str) -> Result<Key, E> {
                Ok(Key(v.to_owned()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<Key, E> {
                Ok(Key(String::new()))
            }
        }
        d.deserialize_any(V)
    }
}

struct YamlVisitor;

macro_rules! leaf {
    ($($name:ident: $t:ty),*) => {
        $(fn $name<E>(self, _: $t) -> Result<Yaml, E> { Ok(Yaml::Leaf) })*
    };
}

impl<'de> serde::de::Visitor<'de> for YamlVisitor {
    type Value = Yaml;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    leaf!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_f64: f64,
        visit_str: &str, visit_i128: i128, visit_u128: u128, visit_bytes: &[u8]);
    fn visit_unit<E>(self) -> Result<Yaml, E> {
        Ok(Yaml::Leaf)
    }
    fn visit_none<E>(self) -> Result<Yaml, E> {
        Ok(Yaml::Leaf)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Yaml, D::Error> {
        serde::Deserialize::deserialize(d)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Yaml, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = a.next_element()? {
            items.push(item);
        }
        Ok(Yaml::Seq(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Yaml, A::Error> {
        let mut entries = Vec::new();
        while let Some(Key(k)) = a.next_key()? {
            entries.push((k, a.next_value()?));
        }
        Ok(Yaml::Map(entries))
    }
}
