//! The repeated keys of a YAML text, with their field paths and positions.
//!
//! The YAML reader refuses a repeated key itself, but names only the key and its second
//! position, in the library's words. When it does, the text is read once more with repeated
//! keys passed through to a visitor of our own, which reads each key with its position
//! (`serde_saphyr::Spanned`) and notes, per mapping, the keys it has seen: the paths and
//! both positions come from there.

use std::collections::HashMap;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// A key written more than once in one mapping: its path and each occurrence's line and
/// column (1-based), in order.
pub(super) struct Duplicate {
    pub path: String,
    pub positions: Vec<(u64, u64)>,
}

/// The repeated keys of `text`, or `None` when the second reading fails.
pub(super) fn duplicates(text: &str, mut options: serde_saphyr::Options) -> Option<Vec<Duplicate>> {
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::PassThrough;
    let mut found = Vec::new();
    let seed = Node {
        path: String::new(),
        found: &mut found,
    };
    serde_saphyr::with_deserializer_from_str_with_options(text, options, |d| seed.deserialize(d))
        .ok()?;
    Some(found)
}

/// A node at `path`; repeated keys below it go to `found`.
struct Node<'f> {
    path: String,
    found: &'f mut Vec<Duplicate>,
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML node")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0usize;
        loop {
            let path = format!("{}[{i}]", self.path);
            let seed = Node {
                path,
                found: &mut *self.found,
            };
            if seq.next_element_seed(seed)?.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen: HashMap<String, (u64, u64, Option<usize>)> = HashMap::new();
        while let Some(key) = map.next_key::<Spanned<KeyText>>()? {
            let at = (key.referenced.line(), key.referenced.column());
            let name = key.value.0;
            let path = super::join(&self.path, &super::shown_key(&name));
            match seen.get_mut(&name) {
                None => {
                    seen.insert(name, (at.0, at.1, None));
                }
                Some((_, _, Some(i))) => self.found[*i].positions.push(at),
                Some((line, column, slot @ None)) => {
                    *slot = Some(self.found.len());
                    self.found.push(Duplicate {
                        path: path.clone(),
                        positions: vec![(*line, *column), at],
                    });
                }
            }
            map.next_value_seed(Node {
                path,
                found: &mut *self.found,
            })?;
        }
        Ok(())
    }
}

/// A mapping key as text, whatever scalar it is.
struct KeyText(String);

impl<'de> serde::Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<KeyText, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping key")
            }
            fn visit_str<E>(self, s: &str) -> Result<KeyText, E> {
                Ok(KeyText(s.to_owned()))
            }
            fn visit_bool<E>(self, b: bool) -> Result<KeyText, E> {
                Ok(KeyText(b.to_string()))
            }
            fn visit_i64<E>(self, n: i64) -> Result<KeyText, E> {
                Ok(KeyText(n.to_string()))
            }
            fn visit_u64<E>(self, n: u64) -> Result<KeyText, E> {
                Ok(KeyText(n.to_string()))
            }
            fn visit_f64<E>(self, n: f64) -> Result<KeyText, E> {
                Ok(KeyText(n.to_string()))
            }
            fn visit_unit<E>(self) -> Result<KeyText, E> {
                Ok(KeyText("null".into()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<KeyText, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(KeyText("(a sequence)".into()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeyText, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(KeyText("(a mapping)".into()))
            }
        }
        d.deserialize_any(V)
    }
}
