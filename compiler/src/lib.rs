pub mod domain;
pub mod quantity;

pub fn placeholder() {}
