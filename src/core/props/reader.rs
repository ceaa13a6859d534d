//! The reader of property values: a value with its property path ([`Field`]), an object whose unknown keys
//! are reported when it is opened ([`Obj`]), and the list of problems found so far ([`Errors`]). It knows
//! JSON shapes and CloudFormation's stringified scalars, not the rules of any one property (see `rules`).

use std::ops::RangeInclusive;

use serde_json::{Map, Value};

use crate::core::problem::PropertyError;
use crate::core::scalar::{self, ECHO_CHARS, describe};

pub(super) fn entries<'a>(properties: &'a Value, name: &str) -> &'a [Value] {
    properties.get(name).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default()
}

#[derive(Default)]
pub(super) struct Errors(pub(super) Vec<PropertyError>);

impl Errors {
    pub(super) fn add(&mut self, path: &str, message: impl Into<String>) {
        self.0.push(PropertyError { path: path.to_owned(), message: message.into() });
    }
}

/// A value that is present (not `null`) and its property path.
pub(super) struct Field<'a> {
    pub(super) path: String,
    pub(super) value: &'a Value,
}

impl<'a> Field<'a> {
    pub(super) fn string(&self, e: &mut Errors) -> Option<&'a str> {
        let s = self.value.as_str();
        if s.is_none() {
            e.add(&self.path, format!("expected a string, got {}", describe(self.value)));
        }
        s
    }

    /// A string of `min..=max` characters.
    pub(super) fn string_len(&self, e: &mut Errors, min: usize, max: usize) -> Option<String> {
        let s = self.string(e)?;
        check_len(e, &self.path, s, min, max).then(|| s.to_owned())
    }

    pub(super) fn boolean(&self, e: &mut Errors) -> Option<bool> {
        let b = scalar::boolean(self.value);
        if b.is_none() {
            e.add(&self.path, format!("expected true or false, got {}", describe(self.value)));
        }
        b
    }

    pub(super) fn integer_in(&self, e: &mut Errors, range: RangeInclusive<i64>, note: &str) -> Option<i64> {
        let n = scalar::integer(self.value).filter(|n| range.contains(n));
        if n.is_none() {
            let (lo, hi) = (range.start(), range.end());
            e.add(&self.path, format!("expected an integer from {lo} to {hi}{note}, got {}", describe(self.value)));
        }
        n
    }

    pub(super) fn one_of<T: Copy>(&self, e: &mut Errors, all: &[T], name: fn(T) -> &'static str) -> Option<T> {
        let s = self.value.as_str();
        let found = s.and_then(|s| all.iter().copied().find(|t| name(*t) == s));
        if found.is_none() {
            let names: Vec<_> = all.iter().map(|t| name(*t)).collect();
            let expected = match names.split_last() {
                Some((last, [])) => (*last).to_owned(),
                Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
                None => String::new(),
            };
            e.add(&self.path, format!("expected {expected}, got {}", describe(self.value)));
        }
        found
    }

    pub(super) fn list(&self, e: &mut Errors) -> Option<&'a [Value]> {
        let items = self.value.as_array().map(Vec::as_slice);
        if items.is_none() {
            e.add(&self.path, format!("expected a list, got {}", describe(self.value)));
        }
        items
    }

    pub(super) fn item(&self, index: usize, value: &'a Value) -> Field<'a> {
        Field { path: format!("{}[{index}]", self.path), value }
    }

    pub(super) fn object(&self, e: &mut Errors, known: &[&str]) -> Option<Obj<'a>> {
        let Some(map) = self.value.as_object() else {
            e.add(&self.path, format!("expected an object, got {}", describe(self.value)));
            return None;
        };
        Some(Obj::new(self.path.clone(), map, known, e))
    }
}

/// An object being read; its unknown keys are reported when it is opened.
pub(super) struct Obj<'a> {
    pub(super) path: String,
    map: &'a Map<String, Value>,
}

impl<'a> Obj<'a> {
    pub(super) fn new(path: String, map: &'a Map<String, Value>, known: &[&str], e: &mut Errors) -> Self {
        let obj = Self { path, map };
        for key in map.keys().filter(|k| !known.contains(&k.as_str())) {
            let shown: String = key.chars().take(ECHO_CHARS).collect();
            let message = match known.iter().find(|k| k.eq_ignore_ascii_case(key)) {
                Some(near) => format!("unknown property (did you mean {near}?)"),
                None => "unknown property".to_owned(),
            };
            e.add(&obj.path_of(&shown), message);
        }
        obj
    }

    pub(super) fn path_of(&self, name: &str) -> String {
        if self.path.is_empty() { name.to_owned() } else { format!("{}.{name}", self.path) }
    }

    pub(super) fn opt(&self, name: &str) -> Option<Field<'a>> {
        self.map.get(name).filter(|v| !v.is_null()).map(|value| Field { path: self.path_of(name), value })
    }

    pub(super) fn req(&self, name: &str, e: &mut Errors) -> Option<Field<'a>> {
        let field = self.opt(name);
        if field.is_none() {
            e.add(&self.path_of(name), "required");
        }
        field
    }

    pub(super) fn has(&self, name: &str) -> bool {
        self.map.get(name).is_some_and(|v| !v.is_null())
    }
}

/// Reports a length outside `min..=max` characters (not bytes: Connect counts characters).
pub(super) fn check_len(e: &mut Errors, path: &str, s: &str, min: usize, max: usize) -> bool {
    let len = s.chars().count();
    if (min..=max).contains(&len) {
        return true;
    }
    let message = if len == 0 {
        "must not be empty".to_owned()
    } else if min == 0 {
        format!("must be at most {max} characters, got {len}")
    } else {
        format!("must be {min} to {max} characters, got {len}")
    };
    e.add(path, message);
    false
}
