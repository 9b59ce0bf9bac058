//! `kizuna subscribers import`: a registrant list read whole, imported a
//! transaction of rows at a time through the same rules as the console's
//! import, with its progress shown as it goes.

use std::io::IsTerminal as _;
use std::path::Path;

use kizuna_core::import::ImportRules;
use kizuna_core::staff::Scope;
use kizuna_core::time::{Clock, SystemClock};
use kizuna_server::Settings;
use kizuna_server::roster::{self, ImportError};

use crate::commands::{CliError, audit, failed, open_store};

pub(crate) async fn subscribers(
    settings: &Settings,
    file: &Path,
    skip_invalid: bool,
    rows_per_transaction: usize,
) -> Result<(), CliError> {
    let bytes = std::fs::read(file).map_err(|e| CliError::Usage(format!("{}: {e}", file.display())))?;
    // The encoding and the header are checked before the database is touched.
    kizuna_core::import::decode(&bytes).map_err(|e| CliError::Usage(format!("{}: {e}", file.display())))?;
    let store = open_store(settings).await?;
    let members = store.municipalities().await.map_err(failed("reading municipalities"))?;
    let categories = store.categories().await.map_err(failed("reading categories"))?;
    let rules = ImportRules { members: &members, categories: &categories, scope: &Scope::AllMunicipalities };
    let reading = match roster::read(&bytes, &rules, None) {
        Ok(reading) => reading,
        Err(e) => {
            store.close().await;
            return Err(CliError::Usage(format!("{}: {e}", file.display())));
        }
    };
    let total = reading.total;
    let rejected = reading.rejected.len();
    let report_rejected = || {
        for error in &reading.rejected {
            println!("  rejected {error}");
        }
    };
    let mut progress = Progress::new(std::io::stderr().is_terminal());
    let result = roster::import(
        &store,
        &reading,
        None,
        skip_invalid,
        || SystemClock.now(),
        rows_per_transaction,
        |done, all| progress.show(done, all),
    )
    .await;
    progress.finish();
    let tally = match result {
        Ok(tally) => tally,
        Err(ImportError::Rejected(_)) => {
            store.close().await;
            println!("{total} rows: {rejected} rejected; nothing imported");
            report_rejected();
            return Err(CliError::Failed(format!(
                "{}: {rejected} rows are rejected, so nothing was imported; fix them, or give --skip-invalid \
                 to import the {} valid rows",
                file.display(),
                reading.rows.len()
            )));
        }
        Err(ImportError::Store(error)) => {
            store.close().await;
            return Err(failed("importing")(error));
        }
    };
    let detail = tally.detail(total, rejected, skip_invalid);
    audit(&store, "cli", "subscribers_import", &file.display().to_string(), &detail).await?;
    store.close().await;
    println!(
        "{total} rows: {} added, {} already registered, {} not to be mailed (unsubscribed, suppressed or erased), \
         {rejected} rejected{}",
        tally.added(),
        tally.known.len(),
        tally.stopped.len(),
        if rejected > 0 { " and skipped" } else { "" }
    );
    report_rejected();
    Ok(())
}

/// How far an import is, on standard error: on a terminal one line rewritten
/// after each commit; in a log (a pipe or a file) one line per tenth, so a
/// million rows leave ten lines, not forty rewrites.
struct Progress {
    terminal: bool,
    /// Tenths already told (log form).
    tenths: usize,
    shown: bool,
}

impl Progress {
    fn new(terminal: bool) -> Self {
        Self { terminal, tenths: 0, shown: false }
    }

    fn show(&mut self, done: usize, all: usize) {
        let percent = done * 100 / all.max(1);
        if self.terminal {
            eprint!("\rimporting: {done}/{all} rows ({percent}%)");
            self.shown = true;
        } else if done * 10 / all.max(1) > self.tenths {
            self.tenths = done * 10 / all.max(1);
            eprintln!("importing: {done}/{all} rows ({percent}%)");
        }
    }

    /// Ends the rewritten line, so that what follows starts on its own.
    fn finish(&self) {
        if self.shown {
            eprintln!();
        }
    }
}
