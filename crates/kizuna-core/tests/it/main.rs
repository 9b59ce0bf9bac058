//! Integration tests of kizuna-core: one binary, one module per area.

mod cap;
