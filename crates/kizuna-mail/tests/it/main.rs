//! Integration tests of kizuna-mail.

mod smtp;
