pub mod quantity;

pub fn placeholder() {}
