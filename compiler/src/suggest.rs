//! Did-you-mean suggestions: the closest candidate by edit distance.
//!
//! In: a misspelt name and candidates. Out: the best candidate within a
//! distance that scales with the name's length, or nothing.

/// Optimal string alignment distance (Damerau-Levenshtein with adjacent
/// transpositions), counted in characters.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

/// The candidate closest to `name`, if close enough to be a likely typo.
pub fn best<'c, I>(name: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'c str>,
{
    let limit = (name.chars().count() / 3).max(1);
    let lower = name.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    let len = name.chars().count();
    for c in candidates {
        if c == name {
            continue;
        }
        // The distance is at least the difference in length: skip the
        // table for candidates that cannot be close (bytes bound chars
        // from above, so a byte length too short is already too short).
        if c.len() + limit < len {
            continue;
        }
        if c.len() > 4 * (len + limit) {
            continue;
        }
        let dist = if c.to_lowercase() == lower {
            0
        } else {
            distance(name, c)
        };
        if dist <= limit && best.is_none_or(|(d, _)| dist < d) {
            best = Some((dist, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}

/// "did you mean `x`?" when a candidate is close.
pub fn help(name: &str, candidates: &[&str]) -> Option<String> {
    best(name, candidates.iter().copied()).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos() {
        assert_eq!(distance("replicas", "replcias"), 1);
        assert_eq!(
            best("replcas", ["replicas", "port"]),
            Some("replicas".into())
        );
        assert_eq!(best("xyz", ["replicas"]), None);
    }
}
