//! Integration tests of kizuna-core, in one binary so the crate links once.

mod jma;
