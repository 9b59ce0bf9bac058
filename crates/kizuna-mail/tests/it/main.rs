//! Integration tests of kizuna-mail.
