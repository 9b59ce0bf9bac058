//! Tests that run the real `kizuna` binary as an operator would.

mod support;

mod cli;
mod serve;
