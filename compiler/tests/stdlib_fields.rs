//! Every field the standard library declares is read by the lowering: it
//! is a field of the schema's mirror in `lower::model` (the struct serde
//! fills from the evaluated environment), or it is listed in
//! `model::NOT_LOWERED` with the reason. And every mirror field is a field
//! of its schema, so a misspelt mirror cannot silently read nothing.
//!
//! A mirror's fields are the names its derived `Deserialize` asks for
//! (serde passes them to `deserialize_struct`), so this reads exactly what
//! deserialization consumes.

use digit_compiler::lower::model;
use digit_lang::ast::{Item, MemberKind};
use digit_lang::FileId;
use serde::de::{self, Deserialize, Visitor};
use std::collections::BTreeMap;

/// A deserializer that only records the field names a struct asks for.
struct Fields<'f>(&'f mut Vec<&'static str>);

impl<'de> de::Deserializer<'de> for Fields<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.extend_from_slice(fields);
        Err(de::Error::custom("fields recorded"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

fn fields_of<'de, T: Deserialize<'de>>() -> Vec<&'static str> {
    let mut out = Vec::new();
    let _ = T::deserialize(Fields(&mut out));
    assert!(
        !out.is_empty(),
        "{} is not a struct",
        std::any::type_name::<T>()
    );
    out
}

/// Each schema of the standard library (and `environment`, the top-level
/// fields of `digit:environment`) with its mirror's fields.
fn mirrors() -> BTreeMap<&'static str, Vec<&'static str>> {
    BTreeMap::from([
        ("environment", fields_of::<model::Environment>()),
        ("Resources", fields_of::<model::Resources>()),
        ("Namespaces", fields_of::<model::Namespaces>()),
        ("Database", fields_of::<model::Database>()),
        ("Ingress", fields_of::<model::Ingress>()),
        ("Volume", fields_of::<model::Volume>()),
        ("Topic", fields_of::<model::Topic>()),
        ("Kafka", fields_of::<model::Kafka>()),
        ("ZooKeeper", fields_of::<model::ZooKeeper>()),
        ("Redis", fields_of::<model::Redis>()),
        ("Elasticsearch", fields_of::<model::Elasticsearch>()),
        ("Kibana", fields_of::<model::Kibana>()),
        ("Logging", fields_of::<model::Logging>()),
        ("Playground", fields_of::<model::Playground>()),
        ("Migration", fields_of::<model::Migration>()),
        ("GitSync", fields_of::<model::GitSync>()),
        ("Probes", fields_of::<model::Probes>()),
        ("Autoscale", fields_of::<model::Autoscale>()),
        ("Service", fields_of::<model::Service>()),
    ])
}

/// Schema (or `environment`) -> its declared fields, from every standard
/// module's source.
fn stdlib_fields() -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (i, name) in digit_stdlib::names().iter().enumerate() {
        let text = digit_stdlib::module(name).unwrap();
        let parse = digit_lang::parse(FileId(i as u32), text);
        assert!(parse.diagnostics.is_empty(), "digit:{name} does not parse");
        let decls = |members: &[digit_lang::ast::Member]| -> Vec<String> {
            members
                .iter()
                .filter_map(|m| match &m.kind {
                    MemberKind::Decl { name, .. } => name.as_static().map(str::to_string),
                    _ => None,
                })
                .collect()
        };
        for item in &parse.module.items {
            match item {
                Item::Schema(s) => {
                    out.insert(s.name.name.to_string(), decls(&s.body.members));
                }
                Item::Member(m) if *name == "environment" => {
                    out.entry("environment".into())
                        .or_default()
                        .extend(decls(std::slice::from_ref(m)));
                }
                _ => {}
            }
        }
    }
    out
}

#[test]
fn every_stdlib_field_is_lowered() {
    let mirrors = mirrors();
    let stdlib = stdlib_fields();
    assert!(stdlib["Service"].contains(&"secret_env".to_string()));
    let not_lowered: Vec<&str> = model::NOT_LOWERED.iter().map(|(f, _)| *f).collect();
    let mut problems = Vec::new();
    for (schema, fields) in &stdlib {
        let Some(mirror) = mirrors.get(schema.as_str()) else {
            problems.push(format!(
                "schema `{schema}` has no mirror in lower::model (add a struct and list it in this test)"
            ));
            continue;
        };
        for f in fields {
            let qualified = if schema == "environment" {
                f.clone()
            } else {
                format!("{schema}.{f}")
            };
            let lowered = mirror.contains(&f.as_str());
            let excused = not_lowered.contains(&qualified.as_str());
            if !lowered && !excused {
                problems.push(format!(
                    "`{qualified}` is not read by the lowering: add it to model::{} or to model::NOT_LOWERED with a reason",
                    if schema == "environment" { "Environment" } else { schema }
                ));
            }
            if lowered && excused {
                problems.push(format!(
                    "`{qualified}` is lowered but listed in NOT_LOWERED"
                ));
            }
        }
        for m in mirror {
            if !fields.iter().any(|f| f == m) {
                problems.push(format!(
                    "the mirror of `{schema}` reads `{m}`, which the standard library does not declare"
                ));
            }
        }
    }
    for schema in mirrors.keys() {
        if !stdlib.contains_key(*schema) {
            problems.push(format!(
                "the mirror `{schema}` has no schema in the standard library"
            ));
        }
    }
    for (field, reason) in model::NOT_LOWERED {
        assert!(reason.len() > 10, "`{field}` in NOT_LOWERED needs a reason");
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
