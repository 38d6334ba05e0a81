//! Kubernetes resource quantities (`250m`, `512Mi`, `1.5Gi`, `10G`).
//!
//! In: a number (`[+-]?digits[.digits]`, `.5` and `1.` allowed as Kubernetes
//! allows them) and a suffix (`n u m "" k M G T P E` or `Ki Mi Gi Ti Pi Ei`),
//! either separately ([`Quantity::parse`]) or as one string ([`str::parse`]).
//!
//! Out: a [`Quantity`] holding the exact value as an `i128` count of
//! nano-units (10^-9) plus the suffix family it was written in, or a
//! [`QuantityError`] whose message names the valid suffixes.
//!
//! Guarantees, matching `k8s.io/apimachinery/pkg/api/resource.Quantity`:
//! - values finer than 1n are rounded away from zero to the next nano unit
//!   (`0.9n` is `1n`), as `ParseQuantity` does;
//! - binary-SI values are capped at 2^63-1 on parse (`8Ei` parses as
//!   `9223372036854775807`), and a binary-SI value in (-1, 1) becomes
//!   decimal-SI, as `ParseQuantity` does;
//! - [`fmt::Display`] prints the canonical form of `CanonicalizeBytes`
//!   (`1.5Gi` is `1536Mi`, `1000m` is `1`, `0.1` is `100m`, `1000E` is `1e21`);
//! - ordering and equality compare values across families (`1Gi > 512Mi`,
//!   `1000m == 1`); the family only affects printing;
//! - arithmetic is exact; a result that does not fit is an error, never a
//!   panic or a silent wrap. The value range is ±(2^127-1) nano-units, about
//!   ±1.7e29 units; Kubernetes itself is unbounded here, so larger decimal
//!   inputs are rejected rather than mangled.
//!
//! Deliberate differences: the exponent form (`1e3`) is not accepted, and a
//! binary value printed with more than six factors of 1024 keeps the `Ei`
//! suffix (`1024Ei`) where Kubernetes would drop its suffix.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

/// Nano-units per unit.
const NANOS: i128 = 1_000_000_000;

/// Kubernetes caps parsed binary-SI quantities at 2^63-1 units.
const BINARY_CAP_NANOS: i128 = (i64::MAX as i128) * NANOS;

/// The suffixes Kubernetes accepts, spelled for error messages.
pub const VALID_SUFFIXES: &str = "n, u, m, k, M, G, T, P, E (powers of 1000) \
     or Ki, Mi, Gi, Ti, Pi, Ei (powers of 1024), or none";

const BINARY_SUFFIXES: [&str; 7] = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

/// The suffix family a quantity prints in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuantityFormat {
    /// Powers of 1000: `n u m "" k M G T P E`.
    DecimalSI,
    /// Powers of 1024: `Ki Mi Gi Ti Pi Ei`.
    BinarySI,
}

/// An exact Kubernetes resource quantity.
///
/// Equality, ordering and hashing look at the value only: `1Gi` equals
/// `1073741824` although they print differently.
#[derive(Debug, Clone, Copy)]
pub struct Quantity {
    /// The value in units of 10^-9; never `i128::MIN`, so negation is safe.
    nanos: i128,
    format: QuantityFormat,
}

/// Why a quantity could not be parsed or computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuantityError {
    /// The number part is empty or not a decimal number; `text` is the
    /// whole quantity as written.
    InvalidNumber { number: String, text: String },
    /// The suffix is not one Kubernetes knows.
    InvalidSuffix { suffix: String },
    /// The written value is too large to hold exactly.
    TooLarge { text: String },
    /// A binary-SI literal above 2^63-1 (what Kubernetes caps it to).
    AboveCap { text: String },
    /// An arithmetic result is too large to hold exactly.
    Overflow { operation: &'static str },
}

impl QuantityError {
    /// A one-line explanation (the same text as `Display`).
    pub fn message(&self) -> String {
        self.to_string()
    }

    /// A suggested fix, when there is an obvious one.
    pub fn help(&self) -> Option<String> {
        match self {
            QuantityError::InvalidSuffix { suffix } => suffix_help(suffix),
            QuantityError::InvalidNumber { .. } => {
                Some("write a number like `2`, `0.5` or `1.5`, then the suffix".to_string())
            }
            QuantityError::TooLarge { .. }
            | QuantityError::AboveCap { .. }
            | QuantityError::Overflow { .. } => None,
        }
    }
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QuantityError::InvalidNumber { number, text } => {
                if text.is_empty() {
                    write!(f, "quantity is empty")
                } else if number.is_empty() {
                    write!(f, "quantity `{text}` does not start with a number")
                } else {
                    write!(f, "quantity `{text}` has an invalid number `{number}`")
                }
            }
            QuantityError::InvalidSuffix { suffix } => write!(
                f,
                "unknown quantity suffix `{suffix}`; valid suffixes are {VALID_SUFFIXES}"
            ),
            QuantityError::TooLarge { text } => {
                write!(f, "quantity `{text}` is too large to represent exactly")
            }
            QuantityError::AboveCap { text } => write!(
                f,
                "quantity `{text}` is above 2^63-1 (just under 8Ei), where Kubernetes caps binary quantities"
            ),
            QuantityError::Overflow { operation } => {
                write!(f, "quantity {operation} overflows (result too large)")
            }
        }
    }
}

impl std::error::Error for QuantityError {}

/// Suggest a suffix for a common misspelling (`Gb`, `GiB`, `K`, `mi`, `1e19`).
fn suffix_help(suffix: &str) -> Option<String> {
    let mut chars = suffix.chars();
    let first = chars.next()?;
    let rest: String = chars.collect();
    if (first == 'e' || first == 'E') && rest.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return Some("a decimal exponent is at most `e18`".to_string());
    }
    let rest_lower = rest.to_ascii_lowercase();
    if !matches!(rest_lower.as_str(), "" | "b" | "i" | "ib") {
        return None;
    }
    let (decimal, binary) = match first.to_ascii_lowercase() {
        'k' => ("k", "Ki"),
        'm' => ("M", "Mi"),
        'g' => ("G", "Gi"),
        't' => ("T", "Ti"),
        'p' => ("P", "Pi"),
        'e' => ("E", "Ei"),
        _ => return None,
    };
    Some(format!(
        "did you mean `{binary}` (powers of 1024) or `{decimal}` (powers of 1000)?"
    ))
}

enum Suffix {
    /// Times 10^exp.
    Decimal(i32),
    /// Times 1024^exp.
    Binary(u32),
}

fn interpret_suffix(suffix: &str) -> Option<Suffix> {
    Some(match suffix {
        "n" => Suffix::Decimal(-9),
        "u" => Suffix::Decimal(-6),
        "m" => Suffix::Decimal(-3),
        "" => Suffix::Decimal(0),
        "k" => Suffix::Decimal(3),
        "M" => Suffix::Decimal(6),
        "G" => Suffix::Decimal(9),
        "T" => Suffix::Decimal(12),
        "P" => Suffix::Decimal(15),
        "E" => Suffix::Decimal(18),
        "Ki" => Suffix::Binary(1),
        "Mi" => Suffix::Binary(2),
        "Gi" => Suffix::Binary(3),
        "Ti" => Suffix::Binary(4),
        "Pi" => Suffix::Binary(5),
        "Ei" => Suffix::Binary(6),
        // Kubernetes' decimal exponent form: `1e3` is 1000.
        _ => return digit_lang::lexer::quantity_exponent(suffix).map(Suffix::Decimal),
    })
}

/// Split `[+-]?digits[.digits]` into (negative, integer digits, fraction digits).
fn split_number(number: &str) -> Option<(bool, &str, &str)> {
    let (negative, body) = if let Some(rest) = number.strip_prefix('-') {
        (true, rest)
    } else if let Some(rest) = number.strip_prefix('+') {
        (false, rest)
    } else {
        (false, number)
    };
    let (int, frac) = match body.split_once('.') {
        Some((int, frac)) => (int, frac),
        None => (body, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || !all_digits(frac) || (int.is_empty() && frac.is_empty()) {
        return None;
    }
    Some((negative, int, frac))
}

/// Multiply a big-endian decimal digit vector by a small factor in place.
fn mul_digits(digits: &mut Vec<u8>, factor: u32) {
    let mut carry: u64 = 0;
    for d in digits.iter_mut().rev() {
        let v = u64::from(*d) * u64::from(factor) + carry;
        *d = (v % 10) as u8;
        carry = v / 10;
    }
    let mut prefix = Vec::new();
    while carry > 0 {
        prefix.push((carry % 10) as u8);
        carry /= 10;
    }
    prefix.reverse();
    prefix.append(digits);
    *digits = prefix;
}

/// Read decimal digits into an i128, `None` on overflow.
fn digits_to_i128(digits: &[u8]) -> Option<i128> {
    digits.iter().try_fold(0i128, |acc, &d| {
        acc.checked_mul(10)?.checked_add(i128::from(d))
    })
}

/// `ceil(digits * 10^shift)` (rounding away from zero), `None` on overflow.
fn scale_round_up(digits: &[u8], shift: i64) -> Option<i128> {
    if shift >= 0 {
        let pow = 10i128.checked_pow(u32::try_from(shift).ok()?)?;
        let value = digits_to_i128(digits)?;
        if value == 0 {
            return Some(0);
        }
        value.checked_mul(pow)
    } else {
        let drop = usize::try_from(shift.unsigned_abs()).ok()?;
        let cut = digits.len().saturating_sub(drop);
        let (kept, dropped) = digits.split_at(cut);
        let value = digits_to_i128(kept)?;
        if dropped.iter().any(|&d| d != 0) {
            value.checked_add(1)
        } else {
            Some(value)
        }
    }
}

impl Quantity {
    /// Parse a number (`1.5`, `250`, `.5`, `-2`) and a suffix (`Gi`, `m`, ``).
    pub fn parse(number: &str, suffix: &str) -> Result<Quantity, QuantityError> {
        Self::parse_capped(number, suffix, true)
    }

    /// [`Quantity::parse`] for a literal written in a `.dg` file: a
    /// binary-SI value above the 2^63-1 cap is [`QuantityError::AboveCap`]
    /// rather than silently clamped (`16Ei` would equal `8Ei`).
    pub fn parse_literal(number: &str, suffix: &str) -> Result<Quantity, QuantityError> {
        Self::parse_capped(number, suffix, false)
    }

    fn parse_capped(number: &str, suffix: &str, clamp: bool) -> Result<Quantity, QuantityError> {
        let text = || format!("{number}{suffix}");
        let (negative, int, frac) =
            split_number(number).ok_or_else(|| QuantityError::InvalidNumber {
                number: number.to_string(),
                text: text(),
            })?;
        let kind = interpret_suffix(suffix).ok_or_else(|| QuantityError::InvalidSuffix {
            suffix: suffix.to_string(),
        })?;

        let mut digits: Vec<u8> = int
            .bytes()
            .chain(frac.bytes())
            .skip_while(|&b| b == b'0')
            .map(|b| b - b'0')
            .collect();
        let frac_len =
            i64::try_from(frac.len()).map_err(|_| QuantityError::TooLarge { text: text() })?;
        let (format, decimal_exp) = match kind {
            Suffix::Decimal(exp) => (QuantityFormat::DecimalSI, i64::from(exp)),
            Suffix::Binary(exp) => {
                for _ in 0..exp {
                    mul_digits(&mut digits, 1024);
                }
                (QuantityFormat::BinarySI, 0)
            }
        };
        // value * 10^9 = digits * 10^(decimal_exp - frac_len + 9)
        let shift = decimal_exp - frac_len + 9;
        let magnitude = match (scale_round_up(&digits, shift), format) {
            (Some(m), QuantityFormat::BinarySI) if m <= BINARY_CAP_NANOS || clamp => {
                m.min(BINARY_CAP_NANOS)
            }
            (None, QuantityFormat::BinarySI) if clamp => BINARY_CAP_NANOS,
            (_, QuantityFormat::BinarySI) => return Err(QuantityError::AboveCap { text: text() }),
            (Some(m), QuantityFormat::DecimalSI) => m,
            (None, QuantityFormat::DecimalSI) => {
                return Err(QuantityError::TooLarge { text: text() })
            }
        };
        let format = if format == QuantityFormat::BinarySI && magnitude > 0 && magnitude < NANOS {
            QuantityFormat::DecimalSI
        } else {
            format
        };
        let nanos = if negative { -magnitude } else { magnitude };
        Ok(Quantity { nanos, format })
    }

    /// A whole number of units, printed with decimal suffixes.
    pub fn from_i64(value: i64) -> Quantity {
        Quantity {
            nanos: i128::from(value) * NANOS,
            format: QuantityFormat::DecimalSI,
        }
    }

    /// A value given in nano-units (10^-9) and a format.
    /// `None` only for `i128::MIN`, which has no negation.
    pub fn from_nanos(nanos: i128, format: QuantityFormat) -> Option<Quantity> {
        (nanos != i128::MIN).then_some(Quantity { nanos, format })
    }

    /// The exact value in nano-units (10^-9).
    pub fn nanos(&self) -> i128 {
        self.nanos
    }

    /// The suffix family this quantity prints in.
    pub fn format(&self) -> QuantityFormat {
        self.format
    }

    pub fn is_zero(&self) -> bool {
        self.nanos == 0
    }

    pub fn is_negative(&self) -> bool {
        self.nanos < 0
    }

    /// The value as a float, for display and approximate comparison only.
    pub fn as_f64(&self) -> f64 {
        self.nanos as f64 / 1e9
    }

    /// The canonical string as a JSON value, as Kubernetes serializes it.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::Value::String(self.to_string())
    }

    fn checked(
        nanos: Option<i128>,
        format: QuantityFormat,
        operation: &'static str,
    ) -> Result<Quantity, QuantityError> {
        match nanos {
            Some(n) if n != i128::MIN => Ok(Quantity { nanos: n, format }),
            _ => Err(QuantityError::Overflow { operation }),
        }
    }

    /// `self + other`. Like Kubernetes, the result keeps `self`'s format
    /// unless `self` is zero, in which case it takes `other`'s.
    pub fn checked_add(&self, other: &Quantity) -> Result<Quantity, QuantityError> {
        Self::checked(
            self.nanos.checked_add(other.nanos),
            self.combined_format(other),
            "addition",
        )
    }

    /// `self - other`, with the format rule of [`Quantity::checked_add`].
    pub fn checked_sub(&self, other: &Quantity) -> Result<Quantity, QuantityError> {
        Self::checked(
            self.nanos.checked_sub(other.nanos),
            self.combined_format(other),
            "subtraction",
        )
    }

    /// `self * factor`, keeping `self`'s format.
    pub fn checked_mul(&self, factor: i64) -> Result<Quantity, QuantityError> {
        Self::checked(
            self.nanos.checked_mul(i128::from(factor)),
            self.format,
            "multiplication",
        )
    }

    fn combined_format(&self, other: &Quantity) -> QuantityFormat {
        if self.nanos == 0 {
            other.format
        } else {
            self.format
        }
    }

    /// Base-1024 form: (mantissa, power of 1024), when the value is a whole
    /// number of at least 1024 in magnitude and was written in binary-SI.
    fn binary_parts(&self) -> Option<(i128, usize)> {
        if self.format != QuantityFormat::BinarySI
            || self.nanos.unsigned_abs() < 1024 * NANOS.unsigned_abs()
            || self.nanos % NANOS != 0
        {
            return None;
        }
        let mut value = self.nanos / NANOS;
        let mut exp = 0;
        while exp < BINARY_SUFFIXES.len() - 1 && value % 1024 == 0 {
            value /= 1024;
            exp += 1;
        }
        Some((value, exp))
    }

    /// Base-10 form: (mantissa, exponent), the exponent a multiple of 3 and
    /// as large as possible without losing precision. Value is non-zero.
    fn decimal_parts(&self) -> (i128, i32) {
        let mut mantissa = self.nanos;
        let mut exp: i32 = -9;
        while mantissa != 0 && mantissa % 10 == 0 {
            mantissa /= 10;
            exp += 1;
        }
        // Each step undoes one division above, so |mantissa| <= |nanos|.
        while exp.rem_euclid(3) != 0 {
            mantissa *= 10;
            exp -= 1;
        }
        (mantissa, exp)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.nanos == 0 {
            return f.write_str("0");
        }
        if let Some((mantissa, exp)) = self.binary_parts() {
            let suffix = BINARY_SUFFIXES.get(exp).copied().unwrap_or("Ei");
            return write!(f, "{mantissa}{suffix}");
        }
        let (mantissa, exp) = self.decimal_parts();
        let suffix = match exp {
            -9 => "n",
            -6 => "u",
            -3 => "m",
            0 => "",
            3 => "k",
            6 => "M",
            9 => "G",
            12 => "T",
            15 => "P",
            18 => "E",
            _ => return write!(f, "{mantissa}e{exp}"),
        };
        write!(f, "{mantissa}{suffix}")
    }
}

impl FromStr for Quantity {
    type Err = QuantityError;

    /// Parse `1.5Gi`, `250m`, `10G`, `3`: the number is the longest prefix
    /// of sign, digits and `.`; the rest is the suffix.
    fn from_str(s: &str) -> Result<Quantity, QuantityError> {
        let split = s
            .char_indices()
            .find(|&(i, c)| !(c.is_ascii_digit() || c == '.' || (i == 0 && (c == '+' || c == '-'))))
            .map_or(s.len(), |(i, _)| i);
        let (number, suffix) = s.split_at(split);
        Quantity::parse(number, suffix)
    }
}

impl std::ops::Neg for Quantity {
    type Output = Quantity;

    /// `-self`, always representable (the value is never `i128::MIN`).
    fn neg(self) -> Quantity {
        Quantity {
            nanos: -self.nanos,
            format: self.format,
        }
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Quantity) -> bool {
        self.nanos == other.nanos
    }
}

impl Eq for Quantity {}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Quantity) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    fn cmp(&self, other: &Quantity) -> Ordering {
        self.nanos.cmp(&other.nanos)
    }
}

impl Hash for Quantity {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.nanos.hash(state);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quantity {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn canonical_forms() {
        let cases = [
            // zero
            ("0", "0"),
            ("0n", "0"),
            ("0Gi", "0"),
            ("00.000", "0"),
            ("-0", "0"),
            // CPU
            ("100m", "100m"),
            ("250m", "250m"),
            ("0.5", "500m"),
            ("0.1", "100m"),
            (".5", "500m"),
            ("2", "2"),
            ("1000m", "1"),
            ("1500m", "1500m"),
            ("1.5", "1500m"),
            ("2000m", "2"),
            ("0.25", "250m"),
            ("1.001", "1001m"),
            ("1.0001", "1000100u"),
            ("1.2345", "1234500u"),
            ("100u", "100u"),
            ("1000000u", "1"),
            ("500000u", "500m"),
            ("0.5m", "500u"),
            ("5000000000n", "5"),
            ("+1", "1"),
            ("1.", "1"),
            ("007", "7"),
            // below 1n rounds away from zero
            ("0.9n", "1n"),
            ("0.1n", "1n"),
            ("1.5n", "2n"),
            ("-1.5n", "-2n"),
            ("0.0000000001", "1n"),
            ("0.0000000010", "1n"),
            ("0.00000000100000000000000000000000000001", "2n"),
            // decimal memory / storage
            ("128974848", "128974848"),
            ("1024", "1024"),
            ("1048576", "1048576"),
            ("1500", "1500"),
            ("1200", "1200"),
            ("12000", "12k"),
            ("120000", "120k"),
            ("1.5k", "1500"),
            ("1000k", "1M"),
            ("2000M", "2G"),
            ("10G", "10G"),
            ("1.G", "1G"),
            ("100M", "100M"),
            ("0.5G", "500M"),
            ("1.5T", "1500G"),
            ("1E", "1E"),
            ("1000E", "1e21"),
            ("18446744073709551616", "18446744073709551616"),
            ("9223372036854775807", "9223372036854775807"),
            // binary memory
            ("1Ki", "1Ki"),
            ("512Mi", "512Mi"),
            ("1Gi", "1Gi"),
            ("1.5Gi", "1536Mi"),
            ("0.5Gi", "512Mi"),
            ("1024Mi", "1Gi"),
            ("1024Ki", "1Mi"),
            ("2048Mi", "2Gi"),
            ("1023Ki", "1023Ki"),
            ("1.5Ki", "1536"),
            ("0.5Ki", "512"),
            ("0.1Ki", "102400m"),
            ("1.1Ki", "1126400m"),
            ("0.25Mi", "256Ki"),
            ("3Ti", "3Ti"),
            ("1.5Ti", "1536Gi"),
            ("1Pi", "1Pi"),
            ("7Ei", "7Ei"),
            ("-1.5Gi", "-1536Mi"),
            ("-512Mi", "-512Mi"),
            // binary capped at 2^63-1, as Kubernetes does
            ("8Ei", "9223372036854775807"),
            (
                "100000000000000000000000000000000000000000Ei",
                "9223372036854775807",
            ),
            ("-8Ei", "-9223372036854775807"),
            // binary below 1 becomes decimal
            ("0.0000001Ki", "102400n"),
        ];
        for (input, want) in cases {
            assert_eq!(q(input).to_string(), want, "canonical form of {input}");
        }
    }

    #[test]
    fn canonical_form_is_a_fixed_point() {
        for s in [
            "100m",
            "1536Mi",
            "512Mi",
            "1",
            "1500m",
            "2G",
            "128974848",
            "102400m",
            "2n",
            "9223372036854775807",
            "-1536Mi",
        ] {
            let once = q(s).to_string();
            assert_eq!(q(&once).to_string(), once, "{s}");
            assert_eq!(q(&once), q(s), "{s}");
        }
    }

    #[test]
    fn parse_separately() {
        let cases = [
            ("1.5", "Gi", "1536Mi"),
            ("250", "m", "250m"),
            ("10", "G", "10G"),
            ("3", "", "3"),
            ("-2", "k", "-2k"),
        ];
        for (number, suffix, want) in cases {
            let got = Quantity::parse(number, suffix).unwrap();
            assert_eq!(got.to_string(), want, "{number}{suffix}");
        }
    }

    #[test]
    fn formats() {
        let cases = [
            ("1Gi", QuantityFormat::BinarySI),
            ("0Gi", QuantityFormat::BinarySI),
            ("0.5Ki", QuantityFormat::BinarySI),
            ("0.0001Ki", QuantityFormat::DecimalSI),
            ("1G", QuantityFormat::DecimalSI),
            ("1", QuantityFormat::DecimalSI),
            ("100m", QuantityFormat::DecimalSI),
        ];
        for (input, want) in cases {
            assert_eq!(q(input).format(), want, "{input}");
        }
    }

    #[test]
    fn exact_values() {
        let cases: [(&str, i128); 8] = [
            ("1", 1_000_000_000),
            ("1m", 1_000_000),
            ("1n", 1),
            ("1Ki", 1024 * NANOS),
            ("1.5Gi", 1_610_612_736 * NANOS),
            ("1G", 1_000_000_000 * NANOS),
            ("-250m", -250_000_000),
            ("8Ei", BINARY_CAP_NANOS),
        ];
        for (input, want) in cases {
            assert_eq!(q(input).nanos(), want, "{input}");
        }
    }

    #[test]
    fn ordering_across_families() {
        let less = [
            ("512Mi", "1Gi"),
            ("1G", "1Gi"),
            ("100m", "0.2"),
            ("-1", "0"),
            ("999m", "1"),
            ("1023", "1Ki"),
            ("1Ki", "1025"),
            ("1n", "1u"),
            ("1Ei", "2E"),
            ("-1Gi", "-1G"),
        ];
        for (a, b) in less {
            assert!(q(a) < q(b), "{a} < {b}");
            assert!(q(b) > q(a), "{b} > {a}");
            assert_ne!(q(a), q(b), "{a} != {b}");
        }
        let equal = [
            ("1000m", "1"),
            ("1Gi", "1073741824"),
            ("1024Mi", "1Gi"),
            ("0.5", "500m"),
            ("1k", "1000"),
            ("0", "0Gi"),
            ("1.5Gi", "1536Mi"),
        ];
        for (a, b) in equal {
            assert_eq!(q(a), q(b), "{a} == {b}");
            assert_eq!(q(a).cmp(&q(b)), Ordering::Equal);
        }
        assert!(q("1Gi") > q("512Mi"));
        assert!(q("1G") < q("1Gi"));
        assert_eq!(q("1000m"), q("1"));
    }

    #[test]
    fn hash_agrees_with_eq() {
        use std::collections::HashSet;
        let set: HashSet<Quantity> = ["1Gi", "1073741824", "1024Mi", "1", "1000m"]
            .into_iter()
            .map(q)
            .collect();
        assert_eq!(set.len(), 2);
    }

    #[test]
    fn addition_and_subtraction() {
        let add = [
            ("1Gi", "512Mi", "1536Mi"),
            ("512Mi", "512Mi", "1Gi"),
            ("1", "500m", "1500m"),
            ("500m", "500m", "1"),
            ("0", "1Gi", "1Gi"),
            ("0", "1.5Gi", "1536Mi"),
            ("1", "1Ki", "1025"),
            ("1Ki", "1", "1025"),
            ("1Ki", "1024", "2Ki"),
            ("1G", "1Gi", "2073741824"),
            ("1Gi", "1G", "2073741824"),
            ("100m", "-100m", "0"),
            ("1E", "999E", "1e21"),
        ];
        for (a, b, want) in add {
            let got = q(a).checked_add(&q(b)).unwrap();
            assert_eq!(got.to_string(), want, "{a} + {b}");
        }
        let sub = [
            ("1Gi", "512Mi", "512Mi"),
            ("1G", "1G", "0"),
            ("2", "500m", "1500m"),
            ("500m", "1", "-500m"),
            ("0", "1Gi", "-1Gi"),
            ("2Gi", "1024", "2097151Ki"),
            ("2G", "1", "1999999999"),
        ];
        for (a, b, want) in sub {
            let got = q(a).checked_sub(&q(b)).unwrap();
            assert_eq!(got.to_string(), want, "{a} - {b}");
        }
    }

    #[test]
    fn multiplication() {
        let cases = [
            ("1Gi", 3, "3Gi"),
            ("512Mi", 2, "1Gi"),
            ("100m", 10, "1"),
            ("250m", 3, "750m"),
            ("1.5Gi", 0, "0"),
            ("1G", -2, "-2G"),
            ("1Ei", 1024, "1024Ei"),
        ];
        for (a, k, want) in cases {
            let got = q(a).checked_mul(k).unwrap();
            assert_eq!(got.to_string(), want, "{a} * {k}");
        }
    }

    #[test]
    fn overflow_is_an_error() {
        let big = Quantity::from_nanos(i128::MAX, QuantityFormat::DecimalSI).unwrap();
        let one = q("1n");
        assert_eq!(
            big.checked_add(&one),
            Err(QuantityError::Overflow {
                operation: "addition"
            })
        );
        assert_eq!(
            (-big).checked_sub(&one),
            Err(QuantityError::Overflow {
                operation: "subtraction"
            })
        );
        assert_eq!(
            q("1Ei").checked_mul(i64::MAX).unwrap_err().to_string(),
            "quantity multiplication overflows (result too large)"
        );
        assert!(big.checked_mul(-1).is_ok());
        assert!(big.checked_mul(2).is_err());
        assert!(Quantity::from_nanos(i128::MIN, QuantityFormat::DecimalSI).is_none());
        // printing extreme values never panics
        for n in [i128::MAX, -i128::MAX, 1, -1, 999_999_999] {
            for format in [QuantityFormat::DecimalSI, QuantityFormat::BinarySI] {
                let value = Quantity::from_nanos(n, format).unwrap();
                let printed = value.to_string();
                assert!(!printed.is_empty());
                if !printed.contains('e') {
                    assert_eq!(q(&printed).nanos(), n, "{printed}");
                }
            }
        }
    }

    #[test]
    fn decimal_exponents() {
        for (input, want) in [
            ("1e3", "1k"),
            ("2E6", "2M"),
            ("5e0", "5"),
            ("1.5e3", "1500"),
        ] {
            assert_eq!(
                input.parse::<Quantity>().unwrap().to_string(),
                want,
                "{input}"
            );
        }
    }

    #[test]
    fn parse_errors() {
        let cases = [
            ("", "quantity is empty"),
            ("Gi", "quantity `Gi` does not start with a number"),
            (" 1Gi", "quantity ` 1Gi` does not start with a number"),
            (".", "quantity `.` has an invalid number `.`"),
            ("-", "quantity `-` has an invalid number `-`"),
            ("1.2.3", "quantity `1.2.3` has an invalid number `1.2.3`"),
            ("1Gb", "unknown quantity suffix `Gb`; valid suffixes are n, u, m, k, M, G, T, P, E (powers of 1000) or Ki, Mi, Gi, Ti, Pi, Ei (powers of 1024), or none"),
            ("1K", "unknown quantity suffix `K`; valid suffixes are n, u, m, k, M, G, T, P, E (powers of 1000) or Ki, Mi, Gi, Ti, Pi, Ei (powers of 1024), or none"),
            ("1e19", "unknown quantity suffix `e19`; valid suffixes are n, u, m, k, M, G, T, P, E (powers of 1000) or Ki, Mi, Gi, Ti, Pi, Ei (powers of 1024), or none"),
            ("1 Gi", "unknown quantity suffix ` Gi`; valid suffixes are n, u, m, k, M, G, T, P, E (powers of 1000) or Ki, Mi, Gi, Ti, Pi, Ei (powers of 1024), or none"),
            ("1000000000000000000000000000000000E", "quantity `1000000000000000000000000000000000E` is too large to represent exactly"),
        ];
        for (input, want) in cases {
            let err = input.parse::<Quantity>().unwrap_err();
            assert_eq!(err.to_string(), want, "{input:?}");
        }
        assert_eq!(
            Quantity::parse("1x", "Gi").unwrap_err(),
            QuantityError::InvalidNumber {
                number: "1x".to_string(),
                text: "1xGi".to_string()
            }
        );
        assert_eq!(
            Quantity::parse("--1", "").unwrap_err().to_string(),
            "quantity `--1` has an invalid number `--1`"
        );
    }

    #[test]
    fn suffix_help() {
        let cases = [
            (
                "Gb",
                Some("did you mean `Gi` (powers of 1024) or `G` (powers of 1000)?"),
            ),
            (
                "GB",
                Some("did you mean `Gi` (powers of 1024) or `G` (powers of 1000)?"),
            ),
            (
                "GiB",
                Some("did you mean `Gi` (powers of 1024) or `G` (powers of 1000)?"),
            ),
            (
                "K",
                Some("did you mean `Ki` (powers of 1024) or `k` (powers of 1000)?"),
            ),
            (
                "KB",
                Some("did you mean `Ki` (powers of 1024) or `k` (powers of 1000)?"),
            ),
            (
                "mi",
                Some("did you mean `Mi` (powers of 1024) or `M` (powers of 1000)?"),
            ),
            (
                "MB",
                Some("did you mean `Mi` (powers of 1024) or `M` (powers of 1000)?"),
            ),
            (
                "g",
                Some("did you mean `Gi` (powers of 1024) or `G` (powers of 1000)?"),
            ),
            ("cores", None),
            ("x", None),
        ];
        for (suffix, want) in cases {
            let err = Quantity::parse("1", suffix).unwrap_err();
            assert_eq!(err.help().as_deref(), want, "{suffix}");
        }
    }

    #[test]
    fn float_and_json() {
        assert_eq!(q("1.5Gi").as_f64(), 1_610_612_736.0);
        assert_eq!(q("250m").as_f64(), 0.25);
        assert_eq!(q("-2").as_f64(), -2.0);
        assert_eq!(q("1.5Gi").to_json(), serde_json::json!("1536Mi"));
        assert_eq!(q("0.1").to_json(), serde_json::json!("100m"));
        assert_eq!(Quantity::from_i64(3).to_json(), serde_json::json!("3"));
        assert_eq!(
            Quantity::from_i64(i64::MIN).to_string(),
            "-9223372036854775808"
        );
    }

    #[test]
    fn no_panic_on_odd_input() {
        let inputs = [
            "",
            "+",
            "-",
            ".",
            "..",
            "+.",
            "-.5",
            "1..2",
            "١",
            "1é",
            "\u{0}",
            "99999999999999999999999999999999999999999999",
            "0.000000000000000000000000000000000000000000000000000001Ei",
            "1Ei1",
            "Ei",
            "1-",
            "1+",
            "9999999999999999999999999999Ei",
            "1e",
            "1E",
            "1i",
            "¼",
        ];
        for input in inputs {
            let _ = input.parse::<Quantity>().map(|v| v.to_string());
        }
        let long = format!("0.{}1Ei", "0".repeat(10_000));
        assert_eq!(q(&long).to_string(), "1n");
    }

    /// Deterministic xorshift so the fuzz tests need no extra crate.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[(self.next() % items.len() as u64) as usize]
        }
    }

    #[test]
    fn fuzz_parse_print_round_trip() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let pieces = ["0", "1", "5", "9", "00", "12", "1024", "999", ".", "-", "+"];
        let suffixes = [
            "", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei",
            "x",
        ];
        for _ in 0..20_000 {
            let mut number = String::new();
            for _ in 0..(rng.next() % 5) {
                number.push_str(rng.pick(&pieces));
            }
            let suffix = rng.pick(&suffixes);
            let Ok(value) = Quantity::parse(&number, suffix) else {
                continue;
            };
            let printed = value.to_string();
            if printed.contains('e') {
                continue;
            }
            let again = q(&printed);
            assert_eq!(again, value, "{number}{suffix} -> {printed}");
            assert_eq!(again.to_string(), printed, "{number}{suffix} -> {printed}");
            // arithmetic never panics
            let _ = value.checked_add(&again);
            let _ = value.checked_sub(&again);
            let _ = value.checked_mul((rng.next() as i64) >> (rng.next() % 64));
        }
    }
}
