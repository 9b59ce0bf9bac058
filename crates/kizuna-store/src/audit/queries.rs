//! The statements of the audit log: it is only ever added to and read.

pub(super) const INSERT_ENTRY: &str = "INSERT INTO audit_log (at, actor, action, subject, detail, client_address,
     municipality_code) VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// A NULL parameter leaves its condition out. A municipality's entries are
/// those about it and those its own staff made (signing in names no municipality).
pub(super) const MATCHING_ENTRIES: &str = "SELECT id, at, actor, action, subject, detail, client_address,
        municipality_code
     FROM audit_log
     WHERE ($1 IS NULL OR actor = $1)
       AND ($2 IS NULL OR municipality_code = $2
            OR actor IN (SELECT 'staff:' || CAST(id AS TEXT) FROM staff WHERE municipality_code = $2))
       AND ($3 IS NULL OR substr(action, 1, length($3)) = $3)
       AND ($4 IS NULL OR at >= $4)
       AND ($5 IS NULL OR at < $5)
       AND ($6 IS NULL OR id < $6)
     ORDER BY id DESC
     LIMIT $7";
