//! Placeholder for the domain checks of branch `quantity` (replaced on merge).

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomainError {
    pub message: String,
    pub help: Option<String>,
}

fn err(m: &str) -> Result<(), DomainError> {
    Err(DomainError {
        message: m.to_string(),
        help: None,
    })
}

pub fn check_name(s: &str) -> Result<(), DomainError> {
    let ok = !s.is_empty()
        && s.len() <= 63
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-');
    if ok {
        Ok(())
    } else {
        err("not a DNS-1123 label")
    }
}

pub fn check_port(p: i64) -> Result<(), DomainError> {
    if (1..=65535).contains(&p) {
        Ok(())
    } else {
        err("not a port (1..65535)")
    }
}

pub fn check_image(s: &str) -> Result<(), DomainError> {
    if s.contains(':') || s.contains('@') {
        Ok(())
    } else {
        err("image without a tag")
    }
}

pub fn check_cron(s: &str) -> Result<(), DomainError> {
    if s.split_whitespace().count() == 5 {
        Ok(())
    } else {
        err("not a five-field cron schedule")
    }
}

pub fn check_env_name(s: &str) -> Result<(), DomainError> {
    let ok = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        err("not an environment variable name")
    }
}
