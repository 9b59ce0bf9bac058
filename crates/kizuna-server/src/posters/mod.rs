//! Printable registration posters: `/posters/register.svg?municipality=CODE`
//! (`routes`), drawn with two QR codes from the directory's names (`service`).

mod routes;
mod service;

pub use routes::routes;
pub use service::{PosterError, QrMatrix, for_municipality, register_address, register_poster, register_url};
