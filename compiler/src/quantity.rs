//! Placeholder for the exact Quantity of branch `quantity` (replaced on merge).
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quantity {
    milli: i128,
    text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuantityError(pub String);

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Quantity {
    pub fn parse(number: &str, suffix: &str) -> Result<Quantity, QuantityError> {
        let n: f64 = number.parse().map_err(|_| QuantityError(format!("bad number {number}")))?;
        let m: f64 = match suffix {
            "m" => 0.001,
            "" => 1.0,
            "k" => 1e3,
            "M" => 1e6,
            "G" => 1e9,
            "T" => 1e12,
            "Ki" => 1024.0,
            "Mi" => 1048576.0,
            "Gi" => 1073741824.0,
            "Ti" => 1099511627776.0,
            _ => return Err(QuantityError(format!("unknown suffix {suffix}"))),
        };
        Ok(Quantity { milli: (n * m * 1000.0) as i128, text: format!("{number}{suffix}") })
    }
    pub fn checked_add(&self, o: &Quantity) -> Option<Quantity> {
        let milli = self.milli.checked_add(o.milli)?;
        Some(Quantity { milli, text: format!("{}m", milli) })
    }
    pub fn checked_sub(&self, o: &Quantity) -> Option<Quantity> {
        let milli = self.milli.checked_sub(o.milli)?;
        Some(Quantity { milli, text: format!("{}m", milli) })
    }
    pub fn checked_mul(&self, k: i64) -> Option<Quantity> {
        let milli = self.milli.checked_mul(i128::from(k))?;
        Some(Quantity { milli, text: format!("{}m", milli) })
    }
    pub fn cmp_value(&self, o: &Quantity) -> std::cmp::Ordering {
        self.milli.cmp(&o.milli)
    }
}

impl FromStr for Quantity {
    type Err = QuantityError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let i = s.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(s.len());
        Quantity::parse(&s[..i], &s[i..])
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}
