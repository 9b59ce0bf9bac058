//! One handle over either database. Statements are written once with `$N`
//! placeholders, which SQLite and PostgreSQL both read, and bound with the same
//! calls; which backend runs them is decided when the store connects. Where the
//! dialects really differ a domain names both texts with [`PerBackend`].
//!
//! This is a thin layer over sqlx, not a query builder: a [`Statement`] is one
//! sqlx query bound for one backend, a [`Row`] one sqlx row, and the only work
//! added is a `match` on the backend.

use std::sync::Arc;

use sqlx::postgres::{PgArguments, PgConnection, PgRow};
use sqlx::sqlite::{SqliteArguments, SqliteConnection, SqliteRow};
use sqlx::{Decode, Encode, PgPool, Postgres, Sqlite, SqlitePool, Transaction, Type};

use crate::changes::{Listeners, Topic};
use crate::{Backend, Result, StoreError};

pub(crate) mod postgres;
pub(crate) mod sqlite;
mod write_gate;

pub(crate) use write_gate::Turn;
use write_gate::{WriteGate, WriteTurn};

/// The connection pool of the backend the store runs on, and who listens for its changes.
#[derive(Clone)]
pub(crate) struct Db {
    pool: Pool,
    pub(crate) listeners: Arc<Listeners>,
}

#[derive(Clone)]
enum Pool {
    /// SQLite's writers in this process take turns at the gate.
    Sqlite(SqlitePool, Arc<WriteGate>),
    Postgres(PgPool),
}

/// SQL text whose dialects differ: the rest of the store writes one `&str`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PerBackend {
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

/// The text of a statement for a backend.
pub(crate) trait Sql: Copy {
    fn text(self, backend: Backend) -> &'static str;
}

impl Sql for &'static str {
    fn text(self, _: Backend) -> &'static str {
        self
    }
}

impl Sql for PerBackend {
    fn text(self, backend: Backend) -> &'static str {
        match backend {
            Backend::Sqlite => self.sqlite,
            Backend::Postgres => self.postgres,
        }
    }
}

impl Db {
    pub(crate) fn sqlite(pool: SqlitePool) -> Self {
        Self { pool: Pool::Sqlite(pool, Arc::default()), listeners: Arc::new(Listeners::default()) }
    }

    pub(crate) fn postgres(pool: PgPool) -> Self {
        Self { pool: Pool::Postgres(pool), listeners: Arc::new(Listeners::default()) }
    }

    pub(crate) fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(..) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// A statement run on a connection of the pool.
    pub(crate) fn query(&self, sql: impl Sql) -> Statement<'_> {
        let text = sql.text(self.backend());
        match &self.pool {
            Pool::Sqlite(pool, _) => Statement(Bound::Sqlite(sqlx::query(text), Target::Pool(pool))),
            Pool::Postgres(pool) => Statement(Bound::Postgres(sqlx::query(text), Target::Pool(pool))),
        }
    }

    /// Begins a transaction. SQLite's begins IMMEDIATE: it takes the write lock
    /// at once, so two writers never both read and then fail to upgrade; this
    /// process's writers take their turns first (`write_gate`).
    pub(crate) async fn begin(&self) -> Result<Tx> {
        self.begin_for(Turn::InOrder).await
    }

    /// Begins a transaction someone is waiting on now (a send a person asked
    /// for, an emergency's claim): on SQLite it writes before the background
    /// work waiting for its turn. On PostgreSQL, where writers do not take
    /// turns, the same as `begin`.
    pub(crate) async fn begin_for(&self, turn: Turn) -> Result<Tx> {
        let (inner, turn) = match &self.pool {
            Pool::Sqlite(pool, gate) => {
                let turn = gate.enter(turn).await?;
                (TxInner::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?), Some(turn))
            }
            Pool::Postgres(pool) => (TxInner::Postgres(pool.begin().await?), None),
        };
        Ok(Tx { inner, announced: Vec::new(), listeners: Arc::clone(&self.listeners), _turn: turn })
    }

    pub(crate) fn postgres_pool(&self) -> Option<&PgPool> {
        match &self.pool {
            Pool::Postgres(pool) => Some(pool),
            Pool::Sqlite(..) => None,
        }
    }

    pub(crate) async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(pool, _) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }
}

/// A transaction: rolled back when dropped without `commit`.
pub(crate) struct Tx {
    inner: TxInner,
    /// Topics to tell this process's listeners of once the transaction commits.
    announced: Vec<Topic>,
    listeners: Arc<Listeners>,
    /// SQLite: this process's turn to write, given back once the transaction
    /// has ended (fields drop in order: `inner` first).
    _turn: Option<WriteTurn>,
}

enum TxInner {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub(crate) fn backend(&self) -> Backend {
        match self.inner {
            TxInner::Sqlite(_) => Backend::Sqlite,
            TxInner::Postgres(_) => Backend::Postgres,
        }
    }

    /// A statement run inside the transaction.
    pub(crate) fn query(&mut self, sql: impl Sql) -> Statement<'_> {
        let text = sql.text(self.backend());
        match &mut self.inner {
            TxInner::Sqlite(tx) => Statement(Bound::Sqlite(sqlx::query(text), Target::Conn(&mut **tx))),
            TxInner::Postgres(tx) => Statement(Bound::Postgres(sqlx::query(text), Target::Conn(&mut **tx))),
        }
    }

    /// Runs a script of several statements without parameters (a migration).
    pub(crate) async fn run_script(&mut self, sql: &'static str) -> std::result::Result<(), sqlx::Error> {
        match &mut self.inner {
            TxInner::Sqlite(tx) => sqlx::raw_sql(sql).execute(&mut **tx).await.map(|_| ()),
            TxInner::Postgres(tx) => sqlx::raw_sql(sql).execute(&mut **tx).await.map(|_| ()),
        }
    }

    /// Tells every listener of `topic` once the transaction commits: other
    /// processes through PostgreSQL's NOTIFY (delivered on commit), this process
    /// at once after the commit, without waiting for the notification's round trip.
    pub(crate) async fn announce(&mut self, topic: Topic) -> Result<()> {
        if let TxInner::Postgres(tx) = &mut self.inner {
            let origin = self.listeners.origin.as_str();
            sqlx::query("SELECT pg_notify($1, $2)").bind(topic.channel()).bind(origin).execute(&mut **tx).await?;
        }
        if !self.announced.contains(&topic) {
            self.announced.push(topic);
        }
        Ok(())
    }

    pub(crate) async fn commit(self) -> Result<()> {
        match self.inner {
            TxInner::Sqlite(tx) => tx.commit().await?,
            TxInner::Postgres(tx) => tx.commit().await?,
        }
        for topic in self.announced {
            self.listeners.wake(topic);
        }
        Ok(())
    }
}

enum Target<'e, P, C> {
    Pool(&'e P),
    Conn(&'e mut C),
}

/// One statement bound for one backend, with where it runs.
#[must_use = "a statement does nothing until it is run"]
pub(crate) struct Statement<'e>(Bound<'e>);

enum Bound<'e> {
    Sqlite(sqlx::query::Query<'static, Sqlite, SqliteArguments>, Target<'e, SqlitePool, SqliteConnection>),
    Postgres(sqlx::query::Query<'static, Postgres, PgArguments>, Target<'e, PgPool, PgConnection>),
}

impl Statement<'_> {
    /// Binds the next `$N` parameter.
    pub(crate) fn bind<'t, T>(self, value: T) -> Self
    where
        T: Encode<'t, Sqlite> + Type<Sqlite> + Encode<'t, Postgres> + Type<Postgres>,
    {
        Statement(match self.0 {
            Bound::Sqlite(query, target) => Bound::Sqlite(query.bind(value), target),
            Bound::Postgres(query, target) => Bound::Postgres(query.bind(value), target),
        })
    }

    /// Runs the statement; returns how many rows it changed.
    pub(crate) async fn execute(self) -> Result<u64> {
        Ok(match self.0 {
            Bound::Sqlite(query, Target::Pool(pool)) => query.execute(pool).await?.rows_affected(),
            Bound::Sqlite(query, Target::Conn(conn)) => query.execute(conn).await?.rows_affected(),
            Bound::Postgres(query, Target::Pool(pool)) => query.execute(pool).await?.rows_affected(),
            Bound::Postgres(query, Target::Conn(conn)) => query.execute(conn).await?.rows_affected(),
        })
    }

    pub(crate) async fn fetch_all(self) -> Result<Vec<Row>> {
        Ok(match self.0 {
            Bound::Sqlite(query, Target::Pool(pool)) => rows(query.fetch_all(pool).await?, Row::Sqlite),
            Bound::Sqlite(query, Target::Conn(conn)) => rows(query.fetch_all(conn).await?, Row::Sqlite),
            Bound::Postgres(query, Target::Pool(pool)) => rows(query.fetch_all(pool).await?, Row::Postgres),
            Bound::Postgres(query, Target::Conn(conn)) => rows(query.fetch_all(conn).await?, Row::Postgres),
        })
    }

    pub(crate) async fn fetch_optional(self) -> Result<Option<Row>> {
        Ok(match self.0 {
            Bound::Sqlite(query, Target::Pool(pool)) => query.fetch_optional(pool).await?.map(Row::Sqlite),
            Bound::Sqlite(query, Target::Conn(conn)) => query.fetch_optional(conn).await?.map(Row::Sqlite),
            Bound::Postgres(query, Target::Pool(pool)) => query.fetch_optional(pool).await?.map(Row::Postgres),
            Bound::Postgres(query, Target::Conn(conn)) => query.fetch_optional(conn).await?.map(Row::Postgres),
        })
    }

    pub(crate) async fn fetch_one(self) -> Result<Row> {
        self.fetch_optional().await?.ok_or(StoreError::NotFound)
    }

    /// The first column of the one row the statement returns.
    pub(crate) async fn fetch_scalar<T: Column>(self) -> Result<T> {
        self.fetch_one().await?.get_at(0)
    }

    /// The first column of the row the statement returns, if it returns one.
    pub(crate) async fn fetch_optional_scalar<T: Column>(self) -> Result<Option<T>> {
        self.fetch_optional().await?.map(|row| row.get_at(0)).transpose()
    }

    /// The first column of every row the statement returns.
    pub(crate) async fn fetch_scalars<T: Column>(self) -> Result<Vec<T>> {
        self.fetch_all().await?.iter().map(|row| row.get_at(0)).collect()
    }
}

/// A value both backends can decode from a column.
pub(crate) trait Column:
    for<'r> Decode<'r, Sqlite> + Type<Sqlite> + for<'r> Decode<'r, Postgres> + Type<Postgres>
{
}

impl<T> Column for T where T: for<'r> Decode<'r, Sqlite> + Type<Sqlite> + for<'r> Decode<'r, Postgres> + Type<Postgres> {}

/// One row a statement returned.
pub(crate) enum Row {
    Sqlite(SqliteRow),
    Postgres(PgRow),
}

impl Row {
    /// The value of the named column.
    pub(crate) fn get<T: Column>(&self, column: &str) -> Result<T> {
        use sqlx::Row as _;
        Ok(match self {
            Row::Sqlite(row) => row.try_get(column)?,
            Row::Postgres(row) => row.try_get(column)?,
        })
    }

    /// The value of the column at `index`.
    pub(crate) fn get_at<T: Column>(&self, index: usize) -> Result<T> {
        use sqlx::Row as _;
        Ok(match self {
            Row::Sqlite(row) => row.try_get(index)?,
            Row::Postgres(row) => row.try_get(index)?,
        })
    }
}

/// A list of row ids bound as one parameter: an array on PostgreSQL, read with
/// `= ANY($n)`; a JSON array on SQLite, read with `IN (SELECT value FROM json_each($n))`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ids<'a>(pub &'a [i64]);

impl Type<Sqlite> for Ids<'_> {
    fn type_info() -> sqlx::sqlite::SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }
}

impl Encode<'_, Sqlite> for Ids<'_> {
    fn encode_by_ref(
        &self,
        buf: &mut sqlx::sqlite::SqliteArgumentsBuffer,
    ) -> std::result::Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <String as Encode<'_, Sqlite>>::encode(sqlite::id_list(self.0), buf)
    }
}

impl Type<Postgres> for Ids<'_> {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        <[i64] as Type<Postgres>>::type_info()
    }
}

impl Encode<'_, Postgres> for Ids<'_> {
    fn encode_by_ref(
        &self,
        buf: &mut sqlx::postgres::PgArgumentBuffer,
    ) -> std::result::Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <&[i64] as Encode<'_, Postgres>>::encode_by_ref(&self.0, buf)
    }
}

/// Rows of data bound as one parameter, so that one statement reads or writes a
/// whole batch: a JSON array of objects, read with `json_each($n)` and
/// `json_extract(value, '$.key')` on SQLite, `jsonb_to_recordset($n::jsonb)` on
/// PostgreSQL. Bound as text on both; PostgreSQL's cast parses it.
#[derive(Debug, Clone)]
pub(crate) struct JsonRows(String);

impl JsonRows {
    pub(crate) fn of<T: serde::Serialize>(rows: &[T]) -> Result<Self> {
        serde_json::to_string(rows).map(JsonRows).map_err(|e| StoreError::Database(sqlx::Error::Encode(Box::new(e))))
    }
}

impl Type<Sqlite> for JsonRows {
    fn type_info() -> sqlx::sqlite::SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }
}

impl Encode<'_, Sqlite> for JsonRows {
    fn encode_by_ref(
        &self,
        buf: &mut sqlx::sqlite::SqliteArgumentsBuffer,
    ) -> std::result::Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <String as Encode<'_, Sqlite>>::encode_by_ref(&self.0, buf)
    }
}

impl Type<Postgres> for JsonRows {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        <String as Type<Postgres>>::type_info()
    }
}

impl Encode<'_, Postgres> for JsonRows {
    fn encode_by_ref(
        &self,
        buf: &mut sqlx::postgres::PgArgumentBuffer,
    ) -> std::result::Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <String as Encode<'_, Postgres>>::encode_by_ref(&self.0, buf)
    }
}

fn rows<R>(rows: Vec<R>, wrap: fn(R) -> Row) -> Vec<Row> {
    rows.into_iter().map(wrap).collect()
}

/// A stored text that does not parse as what it should be.
pub(crate) fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} {value:?}"))
}
