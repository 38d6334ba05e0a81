//! Rules on Kafka and ZooKeeper: replication against the broker count,
//! topic names, the ensemble size.

use super::Rules;
use digit_lang::Diagnostic;
use std::collections::HashMap;

pub(super) fn check(r: &mut Rules<'_>) {
    replication(r);
    topic_names(r);
    ensemble(r);
}

fn brokers(n: i64) -> String {
    format!("{n} broker{}", if n == 1 { "" } else { "s" })
}

/// A topic, the offsets topic or `min.insync.replicas` asking for more
/// copies than there are brokers: Kafka refuses to create the topic, or
/// refuses writes with `acks=all`.
fn replication(r: &mut Rules<'_>) {
    let kafka = &r.env.kafka;
    let replicas = kafka.replicas;
    let replicas_at = r.at("kafka.replicas");
    for (i, t) in kafka.topics.iter().enumerate() {
        if t.replication <= replicas {
            continue;
        }
        let d = Diagnostic::error(
            "E0750",
            r.at(&format!("kafka.topics[{i}].replication")),
            format!(
                "topic `{}` asks for {} replicas, but Kafka has {}",
                t.name,
                t.replication,
                brokers(replicas)
            ),
        )
        .with_label(format!("at most {replicas}"))
        .with_secondary(replicas_at, format!("Kafka has {} here", brokers(replicas)))
        .with_help(format!(
            "set the topic's `replication` to {replicas} or less, or raise `kafka.replicas`; Kafka cannot create a topic with more replicas than brokers"
        ));
        r.report(d);
    }
    for (field, what) in [
        ("offsets_replication", "the offsets topic's replication"),
        ("min_insync_replicas", "`min.insync.replicas`"),
    ] {
        let n = match field {
            "offsets_replication" => kafka.offsets_replication,
            _ => kafka.min_insync_replicas,
        };
        if n <= replicas {
            continue;
        }
        let consequence = match field {
            "offsets_replication" => {
                "Kafka cannot create its offsets topic, so no consumer can commit"
            }
            _ => "every write with `acks=all` is refused",
        };
        let d = Diagnostic::error(
            "E0751",
            r.at(&format!("kafka.{field}")),
            format!("{what} is {n}, but Kafka has {}", brokers(replicas)),
        )
        .with_label(format!("at most {replicas}"))
        .with_secondary(replicas_at, format!("Kafka has {} here", brokers(replicas)))
        .with_help(format!(
            "set `kafka.{field}` to {replicas} or less, or raise `kafka.replicas`: {consequence}"
        ));
        r.report(d);
    }
}

/// Topic names Kafka accepts, and each topic once.
fn topic_names(r: &mut Rules<'_>) {
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, t) in r.env.kafka.topics.iter().enumerate() {
        let path = format!("kafka.topics[{i}].name");
        if let Err((problem, help)) = check_topic_name(&t.name) {
            let d = Diagnostic::error(
                "E0753",
                r.at(&path),
                format!("Kafka rejects the topic name `{}`", super::shorten(&t.name)),
            )
            .with_label(problem)
            .with_help(help);
            r.report(d);
            continue;
        }
        match first.get(t.name.as_str()) {
            None => {
                first.insert(&t.name, i);
            }
            Some(&j) => {
                let d = Diagnostic::error(
                    "E0752",
                    r.at(&path),
                    format!("topic `{}` is listed twice", t.name),
                )
                .with_label("listed again here")
                .with_secondary(r.at(&format!("kafka.topics[{j}].name")), "first listed here")
                .with_help("remove one of them; the topic Job creates each topic once, with one partition count and replication");
                r.report(d);
            }
        }
    }
}

/// Kafka's `Topic.validate`: 1 to 249 characters of `[a-zA-Z0-9._-]`, not
/// `.` or `..`. The problem and a help line.
fn check_topic_name(name: &str) -> Result<(), (String, String)> {
    if name.is_empty() {
        return Err(("empty".into(), "give the topic a name".into()));
    }
    if name == "." || name == ".." {
        return Err((
            format!("`{name}` is reserved"),
            "choose another name".into(),
        ));
    }
    let len = name.chars().count();
    if len > 249 {
        return Err((
            format!("{len} characters, more than 249"),
            "shorten it to at most 249 characters".into(),
        ));
    }
    let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if let Some(bad) = name.chars().find(|&c| !ok(c)) {
        let fixed: String = name
            .trim()
            .chars()
            .map(|c| if ok(c) { c } else { '-' })
            .collect();
        let help = if fixed.is_empty() || fixed == "." || fixed == ".." {
            "use only letters, digits, `.`, `_` and `-`".to_string()
        } else {
            format!("use only letters, digits, `.`, `_` and `-`, e.g. `{fixed}`")
        };
        return Err((format!("{bad:?} is not allowed"), help));
    }
    Ok(())
}

/// ZooKeeper needs a majority: an even ensemble tolerates no more failures
/// than the odd one below it.
fn ensemble(r: &mut Rules<'_>) {
    let n = r.env.zookeeper.replicas;
    if n % 2 != 0 {
        return;
    }
    let d = Diagnostic::warning(
        "W0750",
        r.at("zookeeper.replicas"),
        format!("a ZooKeeper ensemble of {n} is even"),
    )
    .with_label(format!(
        "{n} members survive {} failure{}, as {} would",
        (n - 1) / 2,
        if (n - 1) / 2 == 1 { "" } else { "s" },
        n - 1
    ))
    .with_help(format!(
        "use {} or {} members: ZooKeeper needs a majority, so an odd ensemble is as safe with one member fewer",
        n - 1,
        n + 1
    ));
    r.report(d);
}

#[cfg(test)]
mod tests {
    use super::check_topic_name;

    #[test]
    fn topic_names() {
        for ok in [
            "egov.core.notification.sms",
            "save-pgr_request",
            "a",
            &"x".repeat(249),
        ] {
            assert!(check_topic_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", ".", "..", "has space", "ünï", "a/b", &"x".repeat(250)] {
            assert!(check_topic_name(bad).is_err(), "{bad}");
        }
    }
}
